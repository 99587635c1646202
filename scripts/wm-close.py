#!/usr/bin/env python3
"""Ask an X11 window to close the way a window manager does: send WM_DELETE_WINDOW.

Bare Xvfb has no window manager, and `xdotool windowclose` destroys the window under the
application (winit then panics), so the polite client message is sent by hand.
Usage: wm-close.py WINDOW_ID
"""
import sys

from Xlib import X, display, protocol

win_id = int(sys.argv[1], 0)
d = display.Display()
win = d.create_resource_object("window", win_id)
protocols = d.intern_atom("WM_PROTOCOLS")
delete = d.intern_atom("WM_DELETE_WINDOW")
event = protocol.event.ClientMessage(
    window=win, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
)
win.send_event(event, event_mask=X.NoEventMask)
d.flush()
d.close()
