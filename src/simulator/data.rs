//! The simulator's data set: agents, call IDs and the call-associated data each call holds.
//!
//! Tests everywhere name calls through these constants and compare decoded output with
//! [`expected_bytes`], so the truth lives in exactly one place.

use std::sync::OnceLock;

/// The pre-signed-in demo agent; its GUID is [`super::Simulator::demo_guid`].
pub const DEMO_AGENT: u32 = 1001;
/// Password of [`DEMO_AGENT`] for `PUT onlineagent/{id}` (it starts signed in, so a plain
/// sign-in gets 100-002 and a forced sign-in takes the session over).
pub const DEMO_PASSWORD: &str = "demo-pass";
/// A dedicated supervisor account that starts signed out, for sign-in tests.
pub const SUPERVISOR_AGENT: u32 = 1002;
/// Password of [`SUPERVISOR_AGENT`].
pub const SUPERVISOR_PASSWORD: &str = "sup-pass";
/// A valid agent ID that is not signed in: every query for it answers 100-006.
pub const OFFLINE_AGENT: u32 = 1003;
/// Password of [`OFFLINE_AGENT`].
pub const OFFLINE_PASSWORD: &str = "offline-pass";

/// The demo agent's current call: what an empty `callId` returns (the [`CALL_JSON`] data).
pub const CALL_CURRENT: &str = "1732500000-101";
/// Call with empty call data (`result` is `""`).
pub const CALL_EMPTY: &str = "1732500001-102";
/// Plain ASCII text.
pub const CALL_ASCII: &str = "1732500002-103";
/// JSON with Chinese values (customer, order, IVR path).
pub const CALL_JSON: &str = "1732500003-104";
/// A `k=v&k=v` list with one percent-encoded Chinese value.
pub const CALL_KV: &str = "1732500004-105";
/// A `k=v|k=v` list.
pub const CALL_KV_PIPE: &str = "1732500005-106";
/// Chinese text in UTF-8.
pub const CALL_ZH_UTF8: &str = "1732500006-107";
/// Chinese text in GBK bytes: meaningful only with `isEncodeResult=true`; with `false` the
/// result is what a Java gateway sends, the bytes read as UTF-8 with U+FFFD replacements.
pub const CALL_ZH_GBK: &str = "1732500007-108";
/// Exactly 16 KiB of ASCII (the gateway's maximum call-data size).
pub const CALL_16K: &str = "1732500008-109";
/// Exactly 20 MiB of realistic text (JSON lines with Chinese), generated once and cached.
pub const CALL_20MIB: &str = "1732500009-110";
/// A call ID with characters that must be percent-encoded in the query string.
pub const CALL_ODD_ID: &str = "17000000#04&x=1";
/// HTTP 502 with an nginx-style HTML body (no JSON envelope).
pub const CALL_HTML_502: &str = "1732500010-111";
/// Answers after `SimConfig::slow_delay`.
pub const CALL_SLOW: &str = "1732500011-112";
/// HTTP 200 whose JSON body is cut in the middle of the `result` string.
pub const CALL_TRUNCATED: &str = "1732500012-113";
/// With `isEncodeResult=true` the result has an invalid Base64 character at
/// [`BAD_BASE64_OFFSET`]; with `false` it is ordinary text.
pub const CALL_BAD_BASE64: &str = "1732500013-114";
/// A valid JSON envelope served with `Content-Type: text/html`.
pub const CALL_WRONG_CONTENT_TYPE: &str = "1732500014-115";
/// A call the gateway does not know: 100-007.
pub const CALL_UNKNOWN: &str = "1732599999-999";

/// Byte offset (in the `result` string) of the invalid character of [`CALL_BAD_BASE64`].
pub const BAD_BASE64_OFFSET: usize = 8;
/// The character placed at [`BAD_BASE64_OFFSET`].
pub const BAD_BASE64_CHAR: char = '*';
/// Size of [`CALL_16K`].
pub const SIZE_16K: usize = 16 * 1024;
/// Size of [`CALL_20MIB`].
pub const SIZE_20MIB: usize = 20 * 1024 * 1024;

/// Every call of the demo agent with a one-line description, in listing order
/// (for the demo call list and `allcallinfoEx`). [`CALL_UNKNOWN`] is deliberately absent.
pub const DEMO_CALLS: &[(&str, &str)] = &[
    (
        CALL_CURRENT,
        "current call: JSON with Chinese (empty call ID)",
    ),
    (CALL_EMPTY, "empty call data"),
    (CALL_ASCII, "plain ASCII text"),
    (CALL_JSON, "JSON order record with Chinese values"),
    (CALL_KV, "k=v&k=v list with a percent-encoded value"),
    (CALL_KV_PIPE, "k=v|k=v list"),
    (CALL_ZH_UTF8, "Chinese text, UTF-8"),
    (CALL_ZH_GBK, "Chinese text, GBK (use Base64)"),
    (CALL_16K, "16 KiB, the maximum size"),
    (CALL_20MIB, "20 MiB transcript"),
    (CALL_ODD_ID, "call ID that needs escaping"),
    (CALL_HTML_502, "fault: HTTP 502 with an HTML page"),
    (CALL_SLOW, "fault: slow reply"),
    (CALL_TRUNCATED, "fault: truncated JSON"),
    (CALL_BAD_BASE64, "fault: bad Base64 (with Base64 on)"),
    (CALL_WRONG_CONTENT_TYPE, "fault: text/html content type"),
];

/// The same list under the name UIs use: (call ID, short human description).
pub const CALLS: &[(&str, &str)] = DEMO_CALLS;

// The UI tests look for customerName 李娜 in the current call, which serves this record.
const JSON_DATA: &str = r#"{"customerName":"李娜","customerLevel":"金卡","phone":"138****5678","orderNo":"DD20241125-00387","ivrPath":"主菜单>售后服务>退款申请","intent":"申请退款","product":"智能音箱 X2","amount":1299.00,"vip":true,"queueWaitSec":42,"remark":"客户要求加急处理，已致歉"}"#;
const ASCII_DATA: &str =
    "Customer called about invoice INV-884213; callback requested before 17:00 (GMT+8).";
const KV_DATA: &str = "customerId=C20241125&level=VIP&lang=zh-CN&intent=%E9%80%80%E6%AC%BE";
const KV_PIPE_DATA: &str =
    "customerId=C20241126|level=Gold|lang=zh-CN|skill=billing|callback=13800138000";
const ZH_UTF8_DATA: &str = "您好，客户反映上月账单金额有误，已核实并转接至账务专席处理。";
const ZH_GBK_TEXT: &str =
    "客户王先生来电咨询宽带续费，已记录工单编号 GD20241125-0042，请于明日回访。";
const ODD_DATA: &str = r#"{"channel":"WeChat","sessionId":"17000000#04&x=1","note":"多媒体会话"}"#;
const SLOW_DATA: &str = "queue=billing&waited=318s&note=slow backend";
const BAD_BASE64_DATA: &str = "ticket=T-20241125-77&summary=网络中断投诉&priority=high";
const WRONG_CT_DATA: &str = r#"{"customerName":"赵强","intent":"修改套餐"}"#;
const TRUNCATED_DATA: &str = r#"{"customerName":"张伟","orderNo":"DD20241125-00501","remark":"客户来电询问物流进度，承诺两日内回复"}"#;

/// The nginx-style page [`CALL_HTML_502`] answers with.
pub const HTML_502_BODY: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// How the simulator answers a query for one call.
pub(crate) enum Behaviour {
    /// An ordinary call with these data bytes.
    Data(&'static [u8]),
    /// Ordinary data, but the reply is delayed by `slow_delay`.
    Slow(&'static [u8]),
    /// Data served with a wrong content type.
    WrongContentType(&'static [u8]),
    /// HTTP 502 with HTML.
    Html502,
    /// The JSON envelope is cut short.
    Truncated(&'static [u8]),
    /// Base64 corrupted at [`BAD_BASE64_OFFSET`] when encoded.
    BadBase64(&'static [u8]),
}

/// What the simulator does for `call_id` of the demo agent; `None` = unknown call (100-007).
pub(crate) fn behaviour(call_id: &str) -> Option<Behaviour> {
    let id = if call_id.is_empty() {
        CALL_CURRENT
    } else {
        call_id
    };
    Some(match id {
        // The agent's current call is the JSON call under its own ID.
        CALL_CURRENT => Behaviour::Data(JSON_DATA.as_bytes()),
        CALL_EMPTY => Behaviour::Data(b""),
        CALL_ASCII => Behaviour::Data(ASCII_DATA.as_bytes()),
        CALL_JSON => Behaviour::Data(JSON_DATA.as_bytes()),
        CALL_KV => Behaviour::Data(KV_DATA.as_bytes()),
        CALL_KV_PIPE => Behaviour::Data(KV_PIPE_DATA.as_bytes()),
        CALL_ZH_UTF8 => Behaviour::Data(ZH_UTF8_DATA.as_bytes()),
        CALL_ZH_GBK => Behaviour::Data(gbk_bytes()),
        CALL_16K => Behaviour::Data(data_16k()),
        CALL_20MIB => Behaviour::Data(data_20mib()),
        CALL_ODD_ID => Behaviour::Data(ODD_DATA.as_bytes()),
        CALL_HTML_502 => Behaviour::Html502,
        CALL_SLOW => Behaviour::Slow(SLOW_DATA.as_bytes()),
        CALL_TRUNCATED => Behaviour::Truncated(TRUNCATED_DATA.as_bytes()),
        CALL_BAD_BASE64 => Behaviour::BadBase64(BAD_BASE64_DATA.as_bytes()),
        CALL_WRONG_CONTENT_TYPE => Behaviour::WrongContentType(WRONG_CT_DATA.as_bytes()),
        _ => return None,
    })
}

/// The true call-data bytes of `call_id` (empty = the current call), as a client should
/// reconstruct them with `isEncodeResult=true`. `None` for calls that carry no usable data:
/// [`CALL_UNKNOWN`], [`CALL_HTML_502`] and [`CALL_TRUNCATED`].
pub fn expected_bytes(call_id: &str) -> Option<Vec<u8>> {
    match behaviour(call_id)? {
        Behaviour::Data(b)
        | Behaviour::Slow(b)
        | Behaviour::WrongContentType(b)
        | Behaviour::BadBase64(b) => Some(b.to_vec()),
        Behaviour::Html502 | Behaviour::Truncated(_) => None,
    }
}

/// The text a Java gateway puts in `result` for `call_id` with `isEncodeResult=false`:
/// the bytes read as UTF-8, invalid sequences replaced by U+FFFD (matters for [`CALL_ZH_GBK`]).
pub fn expected_plain_text(call_id: &str) -> Option<String> {
    expected_bytes(call_id).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The Chinese sentence behind [`CALL_ZH_GBK`], for tests that decode it as GBK.
pub const ZH_GBK_SOURCE: &str = ZH_GBK_TEXT;

fn gbk_bytes() -> &'static [u8] {
    static GBK: OnceLock<Vec<u8>> = OnceLock::new();
    GBK.get_or_init(|| encoding_rs::GBK.encode(ZH_GBK_TEXT).0.into_owned())
}

fn data_16k() -> &'static [u8] {
    static DATA: OnceLock<Vec<u8>> = OnceLock::new();
    DATA.get_or_init(|| {
        // An outbound-campaign export: the comma-separated record layout Huawei's samples use.
        let mut out = String::with_capacity(SIZE_16K);
        let mut n = 0u32;
        while out.len() < SIZE_16K {
            out.push_str(&format!(
                "106,{},0,,1,7,71,campaign-nov,T_C0000000000000054_{:05},customer{:04},20241125{:06},1,0,0,0212050{:04},2,60\n",
                358 + n,
                77927 + n,
                n,
                90000 + n,
                n % 10000
            ));
            n += 1;
        }
        out.truncate(SIZE_16K);
        out.into_bytes()
    })
}

/// The 20 MiB payload; built on first use and kept for the life of the process.
fn data_20mib() -> &'static [u8] {
    static DATA: OnceLock<Vec<u8>> = OnceLock::new();
    DATA.get_or_init(|| {
        const LINES: [(&str, &str); 4] = [
            (
                "客户",
                "你好，我想查询一下上个月的账单，好像多扣了一笔流量费。",
            ),
            (
                "坐席",
                "您好，请提供一下您的手机号码和身份证后四位，我帮您核实。",
            ),
            ("客户", "号码是 138****5678，身份证后四位 0427。"),
            (
                "坐席",
                "已为您查到，11 月 12 日有一笔 30 元的流量包费用，我为您申请退回。",
            ),
        ];
        let mut out = String::with_capacity(SIZE_20MIB + 256);
        let mut seq = 0u64;
        while out.len() < SIZE_20MIB {
            let (speaker, text) = LINES[(seq % 4) as usize];
            out.push_str(&format!(
                "{{\"seq\":{seq},\"offsetMs\":{},\"speaker\":\"{speaker}\",\"text\":\"{text}\"}}\n",
                seq * 2750
            ));
            seq += 1;
        }
        // Cut at a character boundary and pad with ASCII so the size is exact.
        let mut end = SIZE_20MIB;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        let mut bytes = out.into_bytes();
        bytes.resize(SIZE_20MIB, b'\n');
        bytes
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_exact_and_gbk_is_not_utf8() {
        assert_eq!(expected_bytes(CALL_16K).unwrap().len(), SIZE_16K);
        assert_eq!(expected_bytes(CALL_20MIB).unwrap().len(), SIZE_20MIB);
        assert!(std::str::from_utf8(&expected_bytes(CALL_20MIB).unwrap()).is_ok());
        let gbk = expected_bytes(CALL_ZH_GBK).unwrap();
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(encoding_rs::GBK.decode(&gbk).0, ZH_GBK_SOURCE);
        assert_eq!(expected_bytes(""), expected_bytes(CALL_CURRENT));
        assert_eq!(expected_bytes(""), expected_bytes(CALL_JSON));
        let current = String::from_utf8(expected_bytes("").unwrap()).unwrap();
        assert!(current.contains("李娜"));
        assert_eq!(
            expected_bytes(CALL_KV).unwrap(),
            b"customerId=C20241125&level=VIP&lang=zh-CN&intent=%E9%80%80%E6%AC%BE"
        );
        assert!(
            expected_plain_text(CALL_ZH_GBK)
                .unwrap()
                .contains('\u{fffd}')
        );
        assert!(expected_bytes(CALL_UNKNOWN).is_none());
        assert_eq!(expected_bytes(CALL_EMPTY).unwrap(), b"");
    }
}
