#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app as a screen-reader or keyboard user meets it, through AT-SPI: the
controls have names, dialog buttons read as their labels, the image's masks
beside it are offered, Tab leaves the axon table, the export dialog starts
beside the image with AxonDeepSeg's name, Ctrl+? shows the shortcuts, Ctrl+W
closes the image, and the wizard's start choices can be activated.

  test-a11y.py SHEATH IMAGE AXON_MASK MYELIN_MASK

Run under `xvfb-run -a dbus-run-session`, with python3-pyatspi."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sheath, image, axon_mask, myelin_mask = sys.argv[1:5]
missing = [p for p in (image, axon_mask, myelin_mask) if not os.path.exists(p)]
if missing:
    print("1..0 # SKIP shared test data missing: %s (set SHEATH_SHARED_DIR)" % missing[0])
    sys.exit(0)
try:
    import pyatspi
except ImportError:
    print("1..0 # SKIP needs python3-pyatspi")
    sys.exit(0)

results = []


T0 = time.time()


def check(name, condition):
    print("# %.1f s: %s" % (time.time() - T0, name), file=sys.stderr)
    results.append((name, bool(condition)))
    return bool(condition)


def names(o):
    try:
        return o.getRoleName(), o.name
    except Exception:
        return None, None


def find_all(root, pred, limit=100000, prune=None):
    """Objects under root for which pred holds; not below those for which
    prune holds."""
    found, stack = [], [root]
    while stack and len(found) < limit:
        o = stack.pop()
        if o is None:
            continue
        try:
            if pred(o):
                found.append(o)
            if prune is None or not prune(o):
                stack.extend(o.getChildAtIndex(i) for i in reversed(range(o.childCount)))
        except Exception:
            pass
    return found


def find(root, role, name=None, timeout=10.0, contains=False, prune=None):
    end = time.time() + timeout
    while True:
        hits = find_all(root, lambda o: o.getRoleName() == role and
                        (name is None or (name in (o.name or "") if contains else o.name == name)), 1, prune)
        if hits or time.time() > end:
            return hits[0] if hits else None
        time.sleep(0.2)


def wait(pred, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if pred():
                return True
        except Exception:
            pass
        time.sleep(0.2)
    return False


def act(o, action=None):
    a = o.queryAction()
    for i in range(a.nActions):
        if action is None or a.getName(i) == action:
            return a.doAction(i)
    raise AssertionError("no action %s on %s" % (action, names(o)))


def key(keysym, modifiers=()):
    """Types a key as X11 would, modifiers held (through XTest)."""
    mask = sum({"shift": 1, "ctrl": 4}[m] for m in modifiers)
    if mask:
        pyatspi.Registry.generateKeyboardEvent(mask, None, pyatspi.KEY_LOCKMODIFIERS)
    pyatspi.Registry.generateKeyboardEvent(keysym, None, pyatspi.KEY_SYM)
    if mask:
        pyatspi.Registry.generateKeyboardEvent(mask, None, pyatspi.KEY_UNLOCKMODIFIERS)


# the object that last took the focus, from AT-SPI's events (walking the
# tree for the focused state takes seconds with a table of hundreds of rows)
last_focus = [None]


def on_focus(event):
    if event.detail1:
        last_focus[0] = event.source


pyatspi.Registry.registerEventListener(on_focus, "object:state-changed:focused")


def pump(seconds):
    from gi.repository import GLib
    end = time.time() + seconds
    while time.time() < end:
        while GLib.MainContext.default().iteration(False):
            pass
        time.sleep(0.05)


def focused(root=None):
    pump(0.3)
    return last_focus[0]


def app_frames():
    d = pyatspi.Registry.getDesktop(0)
    for i in range(d.childCount):
        a = d.getChildAtIndex(i)
        if a is not None and a.name == "sheath":
            return a
    return None


work = tempfile.mkdtemp()
field = os.path.join(work, "field.png")
shutil.copy(image, field)
shutil.copy(axon_mask, os.path.join(work, "field_seg-axon.png"))
shutil.copy(myelin_mask, os.path.join(work, "field_seg-myelin.png"))
with open(os.path.join(work, "pixel_size_in_micrometer.txt"), "w") as f:
    f.write("0.1\n")
env = dict(os.environ, GDK_BACKEND="x11", GSETTINGS_BACKEND="memory", XDG_STATE_HOME=os.path.join(work, "state"),
           XDG_DATA_HOME=os.path.join(work, "data"), XDG_CONFIG_HOME=os.path.join(work, "config"))


def wait_for_display():
    """xvfb-run may hand over its display a moment before Xvfb takes clients."""
    import socket
    number = os.environ.get("DISPLAY", ":0").lstrip(":").split(".")[0]
    end = time.time() + 20
    while time.time() < end:
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.connect("/tmp/.X11-unix/X" + number)
                return
        except OSError:
            time.sleep(0.2)


wait_for_display()
log = open(os.path.join(work, "sheath.log"), "w+")
for attempt in range(5):
    proc = subprocess.Popen([sheath, field], env=env, stderr=log, stdout=log)
    time.sleep(1)
    # a display just handed over by the previous test's Xvfb may refuse the first client
    if proc.poll() is None:
        break
try:
    app = None
    wait(lambda: app_frames() is not None, 60)
    app = app_frames()
    if app is None:
        d = pyatspi.Registry.getDesktop(0)
        log.seek(0)
        print("# on the bus: %s; app exit status: %s; it said:\n# %s" % (
            [names(d.getChildAtIndex(i)) for i in range(d.childCount)], proc.poll(),
            "\n# ".join(log.read().splitlines()[-10:])))
    if not check("the app shows on the accessibility bus", app is not None):
        raise SystemExit
    frame = find(app, "frame")

    check("the main menu button is named", find(frame, "push button", "Main Menu") or
          find(frame, "toggle button", "Main Menu"))
    check("the model picker is named", find(frame, "combo box", "Model"))
    check("the overlay opacity slider is named", find(frame, "slider", "Overlay Opacity"))
    check("the image is named", find(frame, "image", "Image"))

    # masks beside the image are offered; loading them measures every axon
    load = find(frame, "push button", "Load Them", 20)
    if check("masks beside the image are offered", load is not None):
        act(load, "click")
    table = None
    if wait(lambda: find_all(frame, lambda o: o.name == "Axons" and "table" in o.getRoleName(), 1), 30):
        table = find_all(frame, lambda o: o.name == "Axons" and "table" in o.getRoleName(), 1)[0]
    check("the axon table is named and shows", table is not None)
    check("the bins spin button is named", find(frame, "spin button", "Histogram Bins"))

    # a keyboard user reaches the table with Tab, and leaves it with one more
    def inside(o, ancestor):
        while o is not None:
            if o == ancestor:
                return True
            o = o.parent
        return False

    def in_table():
        return inside(focused(frame), table)
    presses = 0
    while not in_table() and presses < 40:
        key(0xff09)
        presses += 1
    if check("Tab reaches the table (%d presses)" % presses, in_table()):
        key(0xff09)
        f = focused(frame)
        check("one Tab more leaves it for Export Table… (focus: %s)" % (names(f),),
              f is not None and names(f)[1] == "Export Table…")
        # the view's keys work with the focus away from the image: O hides the overlay
        overlay = find(frame, "toggle button", "Overlay", 2) or find(frame, "push button", "Overlay", 2)
        if check("the Overlay button is there", overlay is not None):
            before = overlay.getState().contains(pyatspi.STATE_PRESSED) or overlay.getState().contains(pyatspi.STATE_CHECKED)
            key(0x6f)  # o
            check("O toggles the overlay with the focus on a button",
                  wait(lambda: (overlay.getState().contains(pyatspi.STATE_PRESSED) or
                                overlay.getState().contains(pyatspi.STATE_CHECKED)) != before, 5))
            key(0x6f)

    # dialog buttons read as their labels, without mnemonic underscores
    act(frame, "win.set-pixel-size")
    dialog = find(app, "dialog", "Pixel Size", 10)
    if check("the pixel size dialog opens", dialog is not None):
        buttons = [names(b)[1] for b in find_all(dialog, lambda o: o.getRoleName() == "push button")]
        check("dialog buttons read as their labels: %s" % buttons,
              "Cancel" in buttons and "Set" in buttons and not any("_" in (b or "") for b in buttons))
        act(find(dialog, "push button", "Cancel"), "click")

    # the export dialog starts beside the image, named after it
    export = find(frame, "push button", "Export Table…")
    if check("Export Table… is there", export is not None):
        act(export, "click")
        # GTK 4.8 shows its file chooser dialog as a "filler"
        chooser = None
        if wait(lambda: [c for c in (app.getChildAtIndex(i) for i in range(app.childCount))
                         if c.name == "Export Axon Table"], 10):
            chooser = [c for c in (app.getChildAtIndex(i) for i in range(app.childCount))
                       if c.name == "Export Axon Table"][0]
        if check("the export dialog opens", chooser is not None):
            # GTK 4.8 gives no text through AT-SPI: the folder shows in the path
            # bar, and the name is the file that Export writes
            check("it starts in the image's folder",
                  find(chooser, "label", os.path.basename(work), 5) is not None)
            # Enter in the name field, as a user would (GTK's own dialog names
            # its button "_Export Export", the bug fixed above for ours)
            key(0xff0d)
            csv = os.path.join(work, "field_axon_morphometrics.csv")
            check("Export writes field_axon_morphometrics.csv there, as AxonDeepSeg names it",
                  wait(lambda: os.path.exists(csv), 10))
            # (a toast is shown for seconds: not the axon table's thousands of
            # cells walked each time, which a loaded machine takes longer for)
            check("and the export says so",
                  find(frame, "label", "exported as", 10, contains=True,
                       prune=lambda o: o.getRoleName() in ("table", "tree table")))

    # Ctrl+? shows the shortcuts window
    key(0x3f, ("ctrl", "shift"))
    check("Ctrl+? shows the keyboard shortcuts",
          wait(lambda: find(app, "label", "Zoom in", 0.2) is not None, 10))
    key(0xff1b)  # Escape closes it

    # the wizard's start choices can be activated
    act(frame, "win.train")
    wizard = find(app, "frame", "Train a Model", 10) or find(app, "dialog", "Train a Model", 2)
    if check("the training wizard opens", wizard is not None):
        buttons = [names(b)[1] for b in find_all(wizard, lambda o: o.getRoleName() == "push button")]
        check("the wizard's buttons read as their labels: %s" % buttons,
              "Next" in buttons and "Start Training" in buttons and not any("_" in (b or "") for b in buttons))
        scratch = find(wizard, "check box", "Scratch", 5) or find(wizard, "radio button", "Scratch", 1)
        if check("the start choices are named by their rows", scratch is not None):
            act(scratch, "choice.choose")
            check("Start from scratch is chosen through AT-SPI",
                  wait(lambda: scratch.getState().contains(pyatspi.STATE_CHECKED), 5))
        act(wizard, "window.close")

    # Ctrl+W closes the image (it has no unsaved edits)
    key(0x77, ("ctrl",))
    check("Ctrl+W closes the image", wait(lambda: find(app, "frame", "Sheath", 0.2) is not None, 10))
finally:
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % len(results))
    for i, (name, ok) in enumerate(results, 1):
        print("%sok %d - %s" % ("" if ok else "not ", i, name))
