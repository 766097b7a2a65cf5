// libX11, for qvdclient's X11DisplayProbe: the screen size and the XKB rules names
// (`_XKB_RULES_NAMES` on the root window) of the user's display. Only libX11 is needed:
// the property is read with XGetWindowProperty, so libxkbfile's headers are not.
#include <X11/Xlib.h>
#include <X11/Xatom.h>
