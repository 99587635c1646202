//! "Trust this certificate?": after a query fails because the gateway's certificate cannot be
//! verified, the window reads the certificate the server presents (a handshake-only probe on
//! its own thread: no request, no GUID sent) and offers to pin exactly that certificate, with
//! its SHA-256 fingerprint shown for the user to compare with what the administrator gives.
//! A pinned certificate is saved in the profile; any other certificate is then refused.

use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use egui::RichText;

use super::app::{App, InspectorState};
use super::theme;
use crate::gateway::{Fingerprint, TransportError, probe_certificate};

/// How long the probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the offer stands for one (host, port).
#[derive(Default)]
enum Offer {
    /// Nothing to offer.
    #[default]
    None,
    /// The probe runs.
    Probing(Mutex<Receiver<Result<Fingerprint, String>>>),
    /// The fingerprint is shown with the choice.
    Ready(Fingerprint),
    /// The probe could not read the certificate.
    Failed(String),
    /// The user declined for this address.
    Declined,
}

/// The offer's state, kept in egui's memory so the App needs no field for it.
#[derive(Clone, Default)]
struct State(Arc<Mutex<(String, Offer)>>);

/// Whether `message` is one of the certificate failures a pin can resolve, for this host.
/// Compared by the clause before the colon, which names the failure: the window rewords the
/// advice after it (a form field instead of a CLI flag).
fn is_certificate_failure(message: &str, host: &str) -> bool {
    let message = message.to_lowercase();
    [
        TransportError::CertUntrusted,
        TransportError::CertExpired,
        TransportError::CertWrongHost {
            host: host.to_owned(),
        },
        TransportError::CertOther {
            detail: String::new(),
        },
    ]
    .into_iter()
    .any(|e| {
        let text = e.to_string().to_lowercase();
        let what = text.split([':', '：']).next().unwrap_or_default().trim();
        !what.is_empty() && message.contains(what)
    })
}

/// The message of the last query when it failed on the certificate of the form's gateway.
fn certificate_failure(app: &App) -> bool {
    if app.form.demo || app.form.pin_sha256.is_some() {
        return false;
    }
    match app.state() {
        InspectorState::Failed { message, .. } => {
            is_certificate_failure(message, app.form.host.trim())
        }
        _ => false,
    }
}

/// Draws the offer under the connection form when the last query hit a certificate it could
/// not verify; starts the probe the first time.
pub fn show(ui: &mut egui::Ui, app: &mut App) {
    let state = ui.ctx().data_mut(|d| {
        d.get_temp_mut_or_default::<State>(egui::Id::unique("pin-offer"))
            .clone()
    });
    let Ok(mut guard) = state.0.lock() else {
        return;
    };
    let (address, offer) = &mut *guard;
    let here = format!("{}:{}", app.form.host.trim(), app.form.port.trim());
    if !certificate_failure(app) {
        // A new address, or a success, ends any earlier offer.
        if *address != here || !matches!(offer, Offer::Declined) {
            *offer = Offer::None;
        }
        return;
    }
    if *address != here {
        *address = here;
        *offer = Offer::None;
    }
    if matches!(offer, Offer::None) {
        *offer = start_probe(ui.ctx(), app);
    }
    let answer = match offer {
        Offer::Probing(rx) => Some(rx.get_mut().map(|r| r.try_recv()).map_err(|_| ())),
        _ => None,
    };
    match answer {
        Some(Ok(Ok(Ok(fp)))) => *offer = Offer::Ready(fp),
        Some(Ok(Ok(Err(why)))) => *offer = Offer::Failed(why),
        Some(Ok(Err(TryRecvError::Disconnected)) | Err(())) => {
            *offer = Offer::Failed(t!("reliability.pin.probe_lost").into_owned());
        }
        Some(Ok(Err(TryRecvError::Empty))) | None => {}
    }
    ui.separator();
    match offer {
        Offer::Probing(_) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(t!("reliability.pin.probing"));
            });
        }
        Offer::Failed(why) => {
            ui.colored_label(
                theme::warn_color(ui),
                t!("reliability.pin.probe_failed", error = why.as_str()),
            );
        }
        Offer::Ready(fp) => {
            let fp = *fp;
            ui.label(RichText::new(t!("reliability.pin.heading")).strong());
            ui.label(t!("reliability.pin.explain"));
            ui.label(RichText::new(fp.to_string()).monospace());
            ui.horizontal_wrapped(|ui| {
                if ui.button(t!("reliability.pin.trust")).clicked() {
                    app.form.pin_sha256 = Some(fp.to_string());
                    *offer = Offer::None;
                    // Saved at once when the form is a profile, so the CLI trusts it too.
                    if !app.form.name.trim().is_empty() {
                        app.save_profile();
                    }
                    app.query_selected();
                }
                if ui.button(t!("reliability.pin.decline")).clicked() {
                    *offer = Offer::Declined;
                }
            });
        }
        Offer::None | Offer::Declined => {}
    }
}

/// Reads the server's certificate on a thread of its own and repaints when it is known.
fn start_probe(ctx: &egui::Context, app: &App) -> Offer {
    let host = app.form.host.trim().to_owned();
    let Ok(port) = app.form.port.trim().parse::<u16>() else {
        return Offer::None;
    };
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("certificate-probe".into())
        .spawn(move || {
            let result = probe_certificate(&host, port, PROBE_TIMEOUT).map_err(|e| e.to_string());
            let _ = tx.send(result);
            ctx.request_repaint();
        });
    match spawned {
        Ok(_) => Offer::Probing(Mutex::new(rx)),
        Err(e) => Offer::Failed(e.to_string()),
    }
}

/// A pinned profile shows its fingerprint and a way to forget it.
pub fn pinned_row(ui: &mut egui::Ui, app: &mut App) {
    let Some(pin) = app.form.pin_sha256.clone() else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(t!("reliability.pin.pinned"));
        ui.label(RichText::new(pin).monospace().small());
        if ui.small_button(t!("reliability.pin.forget")).clicked() {
            app.form.pin_sha256 = None;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_failures_are_recognised_and_others_are_not() {
        for e in [
            TransportError::CertUntrusted,
            TransportError::CertExpired,
            TransportError::CertWrongHost { host: "gw".into() },
            TransportError::CertOther {
                detail: "BadEncoding".into(),
            },
        ] {
            assert!(is_certificate_failure(&e.to_string(), "gw"), "{e}");
        }
        let other = TransportError::Refused {
            host: "gw".into(),
            port: 8043,
        };
        assert!(!is_certificate_failure(&other.to_string(), "gw"));
        let changed = TransportError::CertPinMismatch {
            expected: "AA".into(),
            found: "BB".into(),
        };
        assert!(!is_certificate_failure(&changed.to_string(), "gw"));
    }
}
