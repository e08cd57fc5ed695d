// The relay's browser terminal: an xterm.js terminal that fills the window, connected to
// /ws/<token> on the same origin. The relay draws the session for this window's size and sends
// terminal bytes (binary messages); typed keys go back as the bytes a terminal would send
// (binary), size changes as JSON text. It reconnects with backoff after a network drop, and
// stops when the session ends (close code 4000).
(function () {
  "use strict";
  var token = decodeURIComponent(location.pathname.replace(/^\/t\//, ""));
  var banner = document.getElementById("banner");
  var term = new Terminal({
    cursorBlink: true,
    fontFamily: "monospace",
    fontSize: 14,
    scrollback: 0,
    allowProposedApi: false,
  });
  var fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById("terminal"));
  try {
    term.loadAddon(new WebglAddon.WebglAddon());
  } catch (e) {
    // No WebGL here: xterm's DOM renderer draws instead.
  }
  fit.fit();
  term.focus();

  var readOnly = token.indexOf("ro-") === 0;
  var socket = null;
  var delay = 500;
  var ended = false;
  var encoder = new TextEncoder();
  // Bytes received from the relay, for tests and curious users (window.tmateStats).
  var stats = { bytes: 0, messages: 0 };

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
    fit.fit();
  }

  function sendSize() {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ cols: term.cols, rows: term.rows }));
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/ws/" + encodeURIComponent(token));
    socket.binaryType = "arraybuffer";
    socket.onopen = function () {
      delay = 500;
      show(readOnly ? "Read-only: you can watch this session but not type." : "");
      sendSize();
    };
    socket.onmessage = function (event) {
      if (typeof event.data === "string") {
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

  term.onData(function (data) {
    if (!readOnly && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(encoder.encode(data));
    }
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
  window.addEventListener("resize", function () {
    fit.fit();
  });
  term.onResize(sendSize);
  connect();
  window.tmateTerminal = term;
  window.tmateEnded = function () { return ended; };
  window.tmateStats = stats;
  window.tmateSocketBusy = function () { return !!socket && socket.bufferedAmount > 0; };
})();
