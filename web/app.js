// The relay's browser terminal: an xterm.js terminal connected to /ws/<token> on the same
// origin. The relay draws the session for this terminal's size and sends terminal bytes
// (binary messages) and the session's state as JSON text (who is connected, the title, the
// session's size, the prefix key, and to read-write pages the text a pane copied with OSC 52);
// typed keys go back as the bytes a terminal would send (binary), size reports as JSON text.
// It reconnects with backoff after a network drop, and stops when the session ends (close code
// 4000). Desktop browsers fit the terminal to the window and size the session like any viewer;
// touch devices show the session at the session's size, scaled to the screen, until their user
// asks to fit it, and get a row of extra keys (Esc, Tab, Ctrl, Alt, arrows, the prefix).
(function () {
  "use strict";
  var token = decodeURIComponent(location.pathname.replace(/^\/t\//, ""));
  var readOnly = token.indexOf("ro-") === 0;
  // Touch devices: no WebGL renderer (on phones its canvas came out blank), session-size view,
  // extra keys.
  var touch = (navigator.maxTouchPoints || 0) > 0 || "ontouchstart" in window;
  var FONT_KEY = "tmate.fontSize";
  var DEFAULT_FONT = 14;
  var banner = document.getElementById("banner");
  var viewport = document.getElementById("viewport");
  var container = document.getElementById("terminal");
  var presenceView = document.getElementById("presence");
  var fitButton = document.getElementById("fit-screen");
  var keysRow = document.getElementById("keys");

  function storedFont() {
    try {
      return Number(localStorage.getItem(FONT_KEY)) || DEFAULT_FONT;
    } catch (e) {
      return DEFAULT_FONT; // storage disabled
    }
  }
  function clampFont(size) {
    return Math.max(6, Math.min(40, Math.round(size)));
  }
  var fontSize = clampFont(storedFont());

  var term = new Terminal({
    cursorBlink: true,
    fontFamily: "monospace",
    fontSize: fontSize,
    scrollback: 0,
    allowProposedApi: false,
  });
  var fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(container);
  // WebGL on desktops only: on an emulated Pixel 7 (and any device pixel ratio above 1 in
  // headless Chromium's software WebGL) its canvas stays blank while the DOM renderer draws.
  var renderer = "dom";
  if (!touch) {
    try {
      var webgl = new WebglAddon.WebglAddon();
      webgl.onContextLoss(function () {
        webgl.dispose(); // back to the DOM renderer
        renderer = "dom";
      });
      term.loadAddon(webgl);
      renderer = "webgl";
    } catch (e) {
      // No WebGL here: xterm's DOM renderer draws instead.
    }
  }

  var socket = null;
  var delay = 500;
  var ended = false;
  var encoder = new TextEncoder();
  // Bytes received from the relay, for tests and curious users (window.tmateStats).
  var stats = { bytes: 0, messages: 0 };
  // The session's last state message.
  var state = { presence: null, title: null, cols: null, rows: null, prefix: null };
  // Touch devices show the session's size until the user asks to fit (`fitMode`).
  var fitMode = !touch;

  function show(text, kind) {
    if (!text) {
      banner.hidden = true;
      document.body.classList.remove("with-banner");
    } else {
      banner.textContent = text;
      banner.className = kind || "";
      banner.hidden = false;
      document.body.classList.add("with-banner");
    }
    layout();
  }

  function sendSize() {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ cols: term.cols, rows: term.rows, fit: fitMode }));
    }
  }

  // Fit the terminal to the window (desktop, or a touch device that asked), or show it at the
  // session's size scaled to the window's width (CSS zoom, times the chosen font size).
  function layout() {
    if (fitMode) {
      document.body.classList.remove("session-size");
      container.style.zoom = "";
      fit.fit();
      return;
    }
    document.body.classList.add("session-size");
    if (state.cols && state.rows && (term.cols !== state.cols || term.rows !== state.rows)) {
      term.resize(state.cols, state.rows);
    }
    container.style.zoom = "";
    var screen = container.querySelector(".xterm-screen");
    var natural = screen ? screen.getBoundingClientRect().width : 0;
    if (natural > 0) {
      var scale = viewport.clientWidth / natural * (fontSize / DEFAULT_FONT);
      container.style.zoom = String(scale);
    }
  }

  function setFont(size) {
    fontSize = clampFont(size);
    try {
      localStorage.setItem(FONT_KEY, String(fontSize));
    } catch (e) {
      // storage disabled: the size lasts for this page only
    }
    term.options.fontSize = fontSize;
    layout();
  }

  function describePresence(p) {
    var parts = [];
    [["ssh", p.ssh_rw, p.ssh_ro], ["web", p.web_rw, p.web_ro]].forEach(function (k) {
      if (k[1] + k[2] > 0) {
        parts.push(k[0] + " " + k[1] + (k[2] ? "+" + k[2] + " ro" : ""));
      }
    });
    presenceView.textContent = parts.join(" \u00B7 ");
    presenceView.title = "Connected: over SSH " + p.ssh_rw + " read-write and " + p.ssh_ro +
      " read-only; in browsers " + p.web_rw + " read-write and " + p.web_ro + " read-only";
    presenceView.dataset.counts = JSON.stringify(p);
  }

  function onState(message) {
    var resized = message.cols !== state.cols || message.rows !== state.rows;
    state = message;
    if (message.presence) {
      describePresence(message.presence);
    }
    document.title = message.title || "tmate";
    if (prefixButton && message.prefix) {
      prefixButton.textContent = message.prefix.name;
    }
    if (resized && !fitMode) {
      layout();
    }
  }

  // Text a pane copied with OSC 52 (sent to read-write pages only): to the clipboard, or, when
  // the browser wants a click first, offered on the banner.
  var copied = null;
  function onClipboard(text) {
    copied = text;
    window.tmateLastCopy = text;
    var write = navigator.clipboard && navigator.clipboard.writeText ?
      navigator.clipboard.writeText(text) : Promise.reject(new Error("no clipboard"));
    write.then(function () {
      flash("Copied from the session (" + text.length + " characters)");
    }, function () {
      flash("The session copied text: click here to put it on your clipboard", true);
    });
  }
  var flashTimer = null;
  function flash(text, clickable) {
    if (ended) {
      return;
    }
    var previous = banner.hidden ? null : { text: banner.textContent, kind: banner.className };
    show(text, clickable ? "clipboard" : "");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () {
      if (!ended && banner.textContent === text) {
        show(previous && previous.kind !== "clipboard" ? previous.text : readOnlyText(),
          previous ? previous.kind : "");
      }
    }, clickable ? 10000 : 2000);
  }
  banner.addEventListener("click", function () {
    if (banner.className === "clipboard" && copied !== null && navigator.clipboard) {
      navigator.clipboard.writeText(copied).then(function () {
        flash("Copied from the session (" + copied.length + " characters)");
      }, function () {});
    }
  });
  function readOnlyText() {
    return readOnly ? "Read-only: you can watch this session but not type." : "";
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/ws/" + encodeURIComponent(token));
    socket.binaryType = "arraybuffer";
    socket.onopen = function () {
      delay = 500;
      show(readOnlyText());
      sendSize();
    };
    socket.onmessage = function (event) {
      if (typeof event.data === "string") {
        var message;
        try {
          message = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        if (message.type === "state") {
          onState(message);
        } else if (message.type === "clipboard" && !readOnly) {
          onClipboard(String(message.text));
        }
        return;
      }
      stats.bytes += event.data.byteLength;
      stats.messages += 1;
      term.write(new Uint8Array(event.data));
    };
    socket.onclose = function (event) {
      socket = null;
      if (event.code === 4000 || event.code === 4004) {
        ended = true;
        show(event.code === 4004 ? "Invalid or expired session link." :
          "The session has ended" + (event.reason ? ": " + event.reason : "."), "ended");
        return;
      }
      show("Disconnected; reconnecting...");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10000);
    };
  }

  function sendBytes(data) {
    if (!readOnly && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(encoder.encode(data));
    }
  }

  // Sticky modifiers of the extra keys: they apply to the next key, then let go.
  var modifiers = { ctrl: false, alt: false };
  var modifierButtons = {};
  function setModifier(name, on) {
    modifiers[name] = on;
    if (modifierButtons[name]) {
      modifierButtons[name].classList.toggle("on", on);
      modifierButtons[name].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }
  function withModifiers(data) {
    if (modifiers.ctrl && data.length === 1) {
      var code = data.toUpperCase().charCodeAt(0);
      if (code >= 64 && code <= 95) {
        data = String.fromCharCode(code - 64); // C-a .. C-_, C-@
      } else if (data === " ") {
        data = "\x00";
      } else if (data === "?") {
        data = "\x7f";
      }
    }
    if (modifiers.alt) {
      data = "\x1b" + data;
    }
    setModifier("ctrl", false);
    setModifier("alt", false);
    return data;
  }

  term.onData(function (data) {
    sendBytes(modifiers.ctrl || modifiers.alt ? withModifiers(data) : data);
  });
  term.onBinary(function (data) {
    if (!readOnly && socket && socket.readyState === WebSocket.OPEN) {
      var bytes = new Uint8Array(data.length);
      for (var i = 0; i < data.length; i++) {
        bytes[i] = data.charCodeAt(i) & 0xff;
      }
      socket.send(bytes);
    }
  });
  // Select to copy.
  term.onSelectionChange(function () {
    var text = term.getSelection();
    if (text && navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).catch(function () {});
    }
  });
  term.onResize(sendSize);
  window.addEventListener("resize", layout);
  document.addEventListener("fullscreenchange", layout);

  // Zoom: Ctrl +/-/0 (not sent to the session), and the A-/A+ buttons.
  function zoomKey(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) {
      return 0;
    }
    if (event.key === "+" || event.key === "=") return 1;
    if (event.key === "-" || event.key === "_") return -1;
    if (event.key === "0") return 2;
    return 0;
  }
  term.attachCustomKeyEventHandler(function (event) {
    return zoomKey(event) === 0;
  });
  window.addEventListener("keydown", function (event) {
    var zoom = zoomKey(event);
    if (zoom !== 0) {
      event.preventDefault();
      setFont(zoom === 2 ? DEFAULT_FONT : fontSize + zoom);
    }
  }, true);
  document.getElementById("zoom-in").addEventListener("click", function () {
    setFont(fontSize + 1);
  });
  document.getElementById("zoom-out").addEventListener("click", function () {
    setFont(fontSize - 1);
  });
  document.getElementById("fullscreen").addEventListener("click", function () {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(function () {});
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
    term.focus();
  });

  // Touch devices: "Fit to this screen" joins the size negotiation; pressing it again goes back
  // to the session's size.
  if (touch && !readOnly) {
    fitButton.hidden = false;
    fitButton.addEventListener("click", function () {
      fitMode = !fitMode;
      fitButton.textContent = fitMode ? "Whole session" : "Fit to this screen";
      layout();
      sendSize();
    });
  }

  // The extra keys row (touch devices, read-write links only).
  var prefixButton = null;
  function keyButton(label, handler, name) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    if (name) {
      button.setAttribute("aria-label", name);
    }
    // Keep the focus (and the on-screen keyboard) on the terminal.
    button.addEventListener("pointerdown", function (event) {
      event.preventDefault();
    });
    button.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    button.addEventListener("click", function () {
      handler(button);
      term.focus();
    });
    keysRow.appendChild(button);
    return button;
  }
  function arrow(letter) {
    return function () {
      var code = modifiers.ctrl ? "5" : modifiers.alt ? "3" : "";
      setModifier("ctrl", false);
      setModifier("alt", false);
      sendBytes(code ? "\x1b[1;" + code + letter : "\x1b[" + letter);
    };
  }
  if (touch && !readOnly) {
    keysRow.hidden = false;
    keyButton("Esc", function () { sendBytes(withModifiers("\x1b")); });
    keyButton("Tab", function () { sendBytes(withModifiers("\t")); });
    modifierButtons.ctrl = keyButton("Ctrl", function () { setModifier("ctrl", !modifiers.ctrl); });
    modifierButtons.alt = keyButton("Alt", function () { setModifier("alt", !modifiers.alt); });
    keyButton("\u2190", arrow("D"), "Left");
    keyButton("\u2191", arrow("A"), "Up");
    keyButton("\u2193", arrow("B"), "Down");
    keyButton("\u2192", arrow("C"), "Right");
    prefixButton = keyButton("C-b", function () {
      setModifier("ctrl", false);
      setModifier("alt", false);
      sendBytes(state.prefix ? state.prefix.keys : "\x02");
    }, "Prefix");
  }

  // URLs in the terminal open in a new tab (xterm.js's link provider API; the web-links addon
  // is not in the offline npm cache this project builds from).
  var URL_PATTERN = /\bhttps?:\/\/[^\s"'<>`\u0000-\u001f]+/g;
  term.registerLinkProvider({
    provideLinks: function (y, callback) {
      var line = term.buffer.active.getLine(y - 1);
      if (!line) {
        callback(undefined);
        return;
      }
      var text = line.translateToString(true);
      var links = [];
      var match;
      URL_PATTERN.lastIndex = 0;
      while ((match = URL_PATTERN.exec(text)) !== null) {
        var uri = match[0].replace(/[.,;:!?)\]}]+$/, "");
        links.push({
          range: { start: { x: match.index + 1, y: y }, end: { x: match.index + uri.length, y: y } },
          text: uri,
          decorations: { underline: true, pointerCursor: true },
          activate: function (event, linkText) {
            window.open(linkText, "_blank", "noopener,noreferrer");
          },
        });
      }
      callback(links.length ? links : undefined);
    },
  });

  // Leaving the page says goodbye at once, so the others' presence counts drop now rather
  // than when the connection times out.
  window.addEventListener("pagehide", function () {
    if (socket) {
      socket.onclose = null;
      socket.close(1000, "page closed");
      socket = null;
    }
  });
  // Back from the browser's back-forward cache: join again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && !socket && !ended) {
      connect();
    }
  });

  layout();
  term.focus();
  connect();
  window.tmateTerminal = term;
  window.tmateEnded = function () { return ended; };
  window.tmateStats = stats;
  window.tmateRenderer = renderer;
  window.tmateState = function () { return state; };
  window.tmateSocketBusy = function () { return !!socket && socket.bufferedAmount > 0; };
})();
