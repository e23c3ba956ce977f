/*
 * exportdesk chat widget: one file, no build step, no dependencies.
 *
 * Embed:
 *   <script src="https://app.example.com/widget.js" data-app-url="https://app.example.com"
 *           data-title="Lumora sales" data-color="#0b5cad" data-lang="en" defer></script>
 *
 * Data attributes (all optional):
 *   data-app-url     the exportdesk app (default: the origin this script was loaded from)
 *   data-title       the panel's title (default: a translated "Sales chat")
 *   data-subtitle    the line under the title
 *   data-color       accent colour (header, launcher, buyer bubbles)
 *   data-text-color  text colour on the accent (default: black or white, whichever contrasts)
 *   data-lang        UI language: en, zh, es, de, pt, fr (default: navigator.language); the
 *                    chat then follows the session's language as the server reports it (a buyer
 *                    who writes Spanish, or asks for German, gets these texts in it too)
 *   data-position    "right" (default) or "left"
 *
 * Security: every text from the server is rendered with textContent (links are <a> elements
 * built from validated http(s) URLs); no HTML parsing of strings, no eval, no inline styles: the stylesheet
 * is a constructed CSSStyleSheet adopted by the shadow root, so a strict Content-Security-Policy
 * (style-src 'self'; script-src 'self') needs no exceptions. The session token is only ever
 * sent to the app URL.
 */
(() => {
  "use strict";

  if (window.__exportdeskChat) return;
  window.__exportdeskChat = true;

  const MAX_CHARS = 2000;
  const POLL_MS = 4000;
  const POLL_MS_CLOSED = 15000;
  const WS_MAX_DELAY_MS = 30000;
  const SVG_NS = "http://www.w3.org/2000/svg";

  // ---------------------------------------------------------------- configuration

  const script =
    document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-app-url]') ||
    document.querySelector('script[src*="widget.js"]');
  const data = (script && script.dataset) || {};

  function httpOrigin(value) {
    try {
      const url = new URL(value, document.baseURI);
      if (url.protocol !== "http:" && url.protocol !== "https:") return null;
      return url.origin + url.pathname.replace(/\/+$/, "");
    } catch (_) {
      return null;
    }
  }

  const APP_URL =
    httpOrigin(data.appUrl || "") ||
    (script && script.src ? new URL(script.src, document.baseURI).origin : null) ||
    location.origin;
  const WS_URL = APP_URL.replace(/^http/, "ws");
  const STORE_KEY = "exportdesk.chat:" + APP_URL;

  // ---------------------------------------------------------------- UI strings

  // The texts in each UI language, from the message catalog
  // (i18n/messages/<lang>/widget.yaml): the app writes them in when it serves this file.
  const STRINGS = /*@catalog:widget*/ {};

  const LOCALE_RE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

  /** One of the UI languages for a language tag ("es-MX" -> "es"), or null. */
  function uiLanguage(value) {
    const primary = String(value || "").trim().toLowerCase().split(/[-_]/)[0];
    return Object.prototype.hasOwnProperty.call(STRINGS, primary) ? primary : null;
  }

  const requested = String(data.lang || navigator.language || "en").trim();
  const PAGE_LANG = uiLanguage(requested) || "en";
  const LOCALE = LOCALE_RE.test(requested) && requested.length <= 16 ? requested : PAGE_LANG;
  // the page's language first, then the chat session's (setLanguage)
  let LANG = PAGE_LANG;
  let T = STRINGS[LANG];
  const langTag = (lang) => (lang === "zh" ? "zh-Hans" : lang);

  function t(key, vars) {
    let text = T[key] !== undefined ? T[key] : STRINGS.en[key];
    for (const [name, value] of Object.entries(vars || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  // the page's own title and subtitle are kept as they are; the defaults follow the language
  const PAGE_TITLE = (data.title || "").trim().slice(0, 80);
  const PAGE_SUBTITLE = (data.subtitle || "").trim().slice(0, 120);
  const title = () => PAGE_TITLE || T.title;
  const subtitle = () => PAGE_SUBTITLE || T.subtitle;
  const POSITION = data.position === "left" ? "left" : "right";

  // ---------------------------------------------------------------- colours

  function validColor(value) {
    return typeof value === "string" && value.trim() !== "" && CSS.supports("color", value.trim());
  }

  function hexLuminance(hex) {
    let h = hex.replace("#", "");
    if (h.length === 3 || h.length === 4) h = h.slice(0, 3).replace(/./g, "$&$&");
    if (!/^[0-9a-f]{6}/i.test(h)) return null;
    const lin = (i) => {
      const c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(0) + 0.7152 * lin(2) + 0.0722 * lin(4);
  }

  const ACCENT = validColor(data.color) ? data.color.trim() : "#0b5cad";
  const ON_ACCENT = validColor(data.textColor)
    ? data.textColor.trim()
    : (() => {
        const lum = ACCENT.startsWith("#") ? hexLuminance(ACCENT) : null;
        return lum !== null && lum > 0.22 ? "#111827" : "#ffffff";
      })();

  // ---------------------------------------------------------------- stylesheet

  const CSS_TEXT = `
:host { all: initial; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.root {
  --accent: ${ACCENT};
  --on-accent: ${ON_ACCENT};
  --ink: #1f2933;
  --muted: #52606d;
  --line: #d9e0e7;
  --bubble: #eef2f6;
  --bg: #ffffff;
  --focus: #f59e0b;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: var(--ink);
  -webkit-font-smoothing: antialiased;
}
button, textarea { font: inherit; color: inherit; }
:focus { outline: none; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0;
}

/* launcher */
.launcher {
  position: fixed; bottom: 24px; ${POSITION}: 24px; z-index: 2147483000;
  width: 60px; height: 60px; border-radius: 50%; border: 0; cursor: pointer;
  background: var(--accent); color: var(--on-accent);
  display: grid; place-items: center;
  box-shadow: 0 6px 20px rgba(15, 23, 42, .28), 0 2px 6px rgba(15, 23, 42, .18);
  transition: transform .15s ease, box-shadow .15s ease;
}
.launcher:hover { transform: translateY(-2px); box-shadow: 0 10px 26px rgba(15, 23, 42, .32); }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
.launcher .icon-close { display: none; }
.launcher[aria-expanded="true"] .icon-chat { display: none; }
.launcher[aria-expanded="true"] .icon-close { display: block; }
.badge {
  position: absolute; top: -2px; ${POSITION === "right" ? "left" : "right"}: -2px;
  min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px;
  background: #c81e1e; color: #fff; font-size: 12px; font-weight: 700; line-height: 22px;
  text-align: center; border: 2px solid #fff;
}

/* panel */
.panel {
  position: fixed; bottom: 96px; ${POSITION}: 24px; z-index: 2147483001;
  width: 380px; height: min(640px, calc(100vh - 120px));
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--bg); border-radius: 16px;
  box-shadow: 0 18px 50px rgba(15, 23, 42, .30), 0 3px 10px rgba(15, 23, 42, .14);
  border: 1px solid rgba(15, 23, 42, .08);
  animation: pop .18s ease-out;
}
@keyframes pop { from { opacity: 0; transform: translateY(12px) scale(.98); } }
@media (prefers-reduced-motion: reduce) {
  .panel, .dot { animation: none !important; }
  .launcher { transition: none; }
}

.header {
  display: flex; align-items: center; gap: 12px; padding: 14px 12px 14px 16px;
  background: var(--accent); color: var(--on-accent);
}
.avatar {
  flex: none; width: 40px; height: 40px; border-radius: 50%;
  display: grid; place-items: center; background: rgba(255, 255, 255, .18);
  box-shadow: inset 0 0 0 1px rgba(255, 255, 255, .35);
}
.avatar svg { width: 22px; height: 22px; fill: currentColor; }
.heading { flex: 1; min-width: 0; }
.title { margin: 0; font-size: 16px; font-weight: 650; line-height: 1.25;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.subtitle { margin: 2px 0 0; font-size: 13px; opacity: .92; display: flex; align-items: center; gap: 6px;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.presence { flex: none; width: 8px; height: 8px; border-radius: 50%; background: #4ade80;
  box-shadow: 0 0 0 2px rgba(255, 255, 255, .35); }
.presence.off { background: #fbbf24; }
.icon-button {
  flex: none; width: 36px; height: 36px; border-radius: 8px; border: 0; cursor: pointer;
  background: transparent; color: inherit; display: grid; place-items: center;
}
.icon-button:hover { background: rgba(255, 255, 255, .16); }
.icon-button svg { width: 20px; height: 20px; fill: currentColor; }
.header :focus-visible { outline-color: var(--on-accent); }

.banner {
  padding: 8px 16px; font-size: 13px; background: #fff7e0; color: #6b4a00;
  border-bottom: 1px solid #f3deb0;
}
.banner.ok { background: #e8f6ee; color: #14532d; border-bottom-color: #bfe5cc; }

.log {
  flex: 1; overflow-y: auto; padding: 16px 14px 8px; background: #f8fafc;
  display: flex; flex-direction: column; gap: 4px; overscroll-behavior: contain;
}
.log:focus-visible { outline-offset: -3px; }
.msg { display: flex; flex-direction: column; max-width: 86%; }
.msg.run-start { margin-top: 8px; }
.msg.buyer { align-self: flex-end; align-items: flex-end; }
.msg.bot, .msg.agent { align-self: flex-start; align-items: flex-start; }
.meta { font-size: 12px; color: var(--muted); margin: 0 4px 3px; }
.bubble {
  padding: 9px 13px; border-radius: 16px; white-space: pre-wrap; overflow-wrap: anywhere;
  word-break: normal;
}
.bot .bubble { background: var(--bg); border: 1px solid var(--line); border-top-left-radius: 6px; }
.agent .bubble { background: #eaf3ff; border: 1px solid #c7dcf5; border-top-left-radius: 6px; }
.buyer .bubble { background: var(--accent); color: var(--on-accent); border-top-right-radius: 6px; }
.bubble a { color: inherit; text-decoration: underline; text-underline-offset: 2px; font-weight: 550; }
.bot .bubble a, .agent .bubble a { color: #0b4f94; }
.pending .bubble { opacity: .7; }
.state { font-size: 12px; color: var(--muted); margin: 3px 4px 0; display: flex; gap: 6px; align-items: center; }
.state.failed { color: #b42318; }
.link-button {
  border: 0; background: none; padding: 0; cursor: pointer; color: #0b4f94;
  text-decoration: underline; font-size: 12px;
}
.notice {
  align-self: center; max-width: 92%; margin: 10px 0 4px; padding: 6px 12px;
  font-size: 13px; color: var(--muted); text-align: center; white-space: pre-wrap;
  background: #eef2f6; border-radius: 999px;
}
.notice.important { background: #fff4e5; color: #6b3f00; border-radius: 12px; }

.typing { display: flex; align-items: center; gap: 8px; padding: 4px 16px 6px; background: #f8fafc;
  font-size: 12px; color: var(--muted); }
.dots { display: inline-flex; gap: 4px; padding: 9px 12px; background: var(--bg);
  border: 1px solid var(--line); border-radius: 14px; border-top-left-radius: 6px; }
.dot { width: 7px; height: 7px; border-radius: 50%; background: #8795a8; animation: blink 1.2s infinite ease-in-out; }
.dot:nth-child(2) { animation-delay: .15s; }
.dot:nth-child(3) { animation-delay: .3s; }
@keyframes blink { 0%, 80%, 100% { opacity: .25; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-3px); } }

.quick { display: flex; flex-wrap: wrap; gap: 8px; padding: 8px 14px 10px; background: #f8fafc;
  justify-content: flex-end; }
.chip {
  border: 1.5px solid var(--accent); color: var(--accent); background: var(--bg);
  border-radius: 999px; padding: 6px 14px; cursor: pointer; font-size: 14px; font-weight: 550;
  line-height: 1.3; text-align: left;
}
.chip:hover { background: var(--accent); color: var(--on-accent); }

.composer { border-top: 1px solid var(--line); padding: 10px 12px 8px; background: var(--bg); }
.row { display: flex; align-items: flex-end; gap: 8px; }
textarea {
  flex: 1; resize: none; border: 1px solid #b8c4d0; border-radius: 12px; padding: 9px 12px;
  min-height: 42px; max-height: 140px; line-height: 1.4; background: var(--bg);
}
textarea::placeholder { color: #66758a; }
textarea:focus-visible { outline: 2px solid var(--accent); outline-offset: 0; border-color: var(--accent); }
.send {
  flex: none; width: 42px; height: 42px; border-radius: 12px; border: 0; cursor: pointer;
  background: var(--accent); color: var(--on-accent); display: grid; place-items: center;
}
.send:disabled { background: #c5ced8; color: #fff; cursor: default; }
.send svg { width: 20px; height: 20px; fill: currentColor; }
.counter { margin: 5px 4px 0; font-size: 12px; color: var(--muted); text-align: right; }
.counter.near { color: #8a4b00; }
.counter.full { color: #b42318; font-weight: 600; }

@media (max-width: 600px) {
  .panel {
    inset: 0; width: auto; height: auto; max-height: none; border-radius: 0; border: 0;
    bottom: 0; ${POSITION}: 0;
  }
  .open .launcher { display: none; }
  .launcher { bottom: 16px; ${POSITION}: 16px; }
  .msg { max-width: 90%; }
  textarea { font-size: 16px; }
}
`;

  // ---------------------------------------------------------------- DOM helpers

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  const ICONS = {
    chat: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
    close:
      "M6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z",
    down: "M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z",
    send: "M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z",
    bulb: "M12 2a7 7 0 0 0-4 12.74V17a1 1 0 0 0 1 1h6a1 1 0 0 0 1-1v-2.26A7 7 0 0 0 12 2zm-3 18h6v1a1 1 0 0 1-1 1h-4a1 1 0 0 1-1-1z",
  };

  function icon(name, cls) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    if (cls) svg.setAttribute("class", cls);
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

  function safeHref(raw) {
    try {
      const url = new URL(raw);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  function trimUrl(raw) {
    let url = raw;
    for (;;) {
      const last = url.slice(-1);
      if (".,;:!?'\"]}".includes(last)) url = url.slice(0, -1);
      else if (last === ")" && (url.match(/\(/g) || []).length < (url.match(/\)/g) || []).length)
        url = url.slice(0, -1);
      else break;
    }
    return url;
  }

  /** Text with its http(s) URLs as links: text nodes and <a> elements only. */
  function richText(text) {
    const frag = document.createDocumentFragment();
    let index = 0;
    for (const match of text.matchAll(URL_RE)) {
      const url = trimUrl(match[0]);
      const href = safeHref(url);
      if (!href) continue;
      if (match.index > index) frag.append(document.createTextNode(text.slice(index, match.index)));
      const link = el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" });
      link.textContent = url;
      link.append(el("span", { class: "sr-only", text: " " + t("newTab") }));
      frag.append(link);
      index = match.index + url.length;
    }
    if (index < text.length) frag.append(document.createTextNode(text.slice(index)));
    return frag;
  }

  function clock(iso) {
    const date = iso ? new Date(iso) : new Date();
    if (Number.isNaN(date.getTime())) return "";
    try {
      const locale = LANG === PAGE_LANG ? LOCALE.replace("_", "-") : langTag(LANG);
      return date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
    } catch (_) {
      return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    }
  }

  // ---------------------------------------------------------------- storage

  function loadStored() {
    try {
      const value = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
      if (value && typeof value.session_id === "string" && typeof value.token === "string") return value;
    } catch (_) {
      /* storage blocked or corrupt */
    }
    return null;
  }

  /** The session (id, token and its language, shown at once after a reload), or nothing. */
  function store(sessionId, token, language) {
    try {
      if (sessionId) {
        const value = { session_id: sessionId, token };
        if (language) value.language = language;
        localStorage.setItem(STORE_KEY, JSON.stringify(value));
      } else localStorage.removeItem(STORE_KEY);
    } catch (_) {
      /* storage blocked: the chat still works for this page view */
    }
  }

  // ---------------------------------------------------------------- build the UI

  const host = el("div", { id: "exportdesk-chat", "data-exportdesk": "chat-widget" });
  const shadow = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS_TEXT);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.append(el("style", { text: CSS_TEXT })); // old browsers; needs style-src to allow it
  }

  const ids = { title: "xd-title", log: "xd-log", counter: "xd-counter", panel: "xd-panel" };

  const badge = el("span", { class: "badge", hidden: true, "aria-hidden": "true" });
  const launcher = el(
    "button",
    {
      class: "launcher",
      type: "button",
      "aria-expanded": "false",
      "aria-controls": ids.panel,
      "aria-label": t("open", { title: title() }),
    },
    [icon("chat", "icon-chat"), icon("down", "icon-close"), badge]
  );

  const presence = el("span", { class: "presence", "aria-hidden": "true" });
  const subtitleText = el("span", { text: subtitle() });
  const closeButton = el("button", { class: "icon-button", type: "button", "aria-label": t("close") }, [
    icon("close"),
  ]);
  const titleText = el("h2", { class: "title", id: ids.title, text: title() });
  const header = el("div", { class: "header" }, [
    el("div", { class: "avatar", "aria-hidden": "true" }, [icon("bulb")]),
    el("div", { class: "heading" }, [
      titleText,
      el("p", { class: "subtitle" }, [presence, subtitleText]),
    ]),
    closeButton,
  ]);

  const banner = el("div", { class: "banner", role: "status", hidden: true });
  const log = el("div", {
    class: "log",
    id: ids.log,
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": t("log"),
    tabindex: "0",
  });
  const typingText = el("span", { text: t("typing") });
  const typing = el("div", { class: "typing", hidden: true }, [
    el("span", { class: "dots", "aria-hidden": "true" }, [
      el("span", { class: "dot" }),
      el("span", { class: "dot" }),
      el("span", { class: "dot" }),
    ]),
    typingText,
  ]);
  const typingStatus = el("div", { class: "sr-only", role: "status" });
  const quick = el("div", { class: "quick", role: "group", "aria-label": t("suggestions"), hidden: true });

  const input = el("textarea", {
    rows: "1",
    maxlength: String(MAX_CHARS),
    "aria-label": t("input"),
    "aria-describedby": ids.counter,
    placeholder: t("placeholder"),
    autocomplete: "off",
    enterkeyhint: "send",
  });
  const sendButton = el("button", { class: "send", type: "submit", "aria-label": t("send"), disabled: true }, [
    icon("send"),
  ]);
  const counter = el("div", { class: "counter", id: ids.counter, "aria-hidden": "false" });
  const form = el("form", { class: "composer", novalidate: true }, [
    el("div", { class: "row" }, [input, sendButton]),
    counter,
  ]);

  const panel = el(
    "div",
    {
      class: "panel",
      id: ids.panel,
      role: "dialog",
      "aria-modal": "false",
      "aria-labelledby": ids.title,
      hidden: true,
      lang: langTag(LANG),
    },
    [header, banner, log, typing, typingStatus, quick, form]
  );
  const root = el("div", { class: "root", lang: langTag(LANG) }, [panel, launcher]);
  shadow.append(root);

  // ---------------------------------------------------------------- state

  const stored = loadStored();
  const state = {
    sessionId: stored ? stored.session_id : null,
    token: stored ? stored.token : null,
    language: stored ? uiLanguage(stored.language) : null, // the session's, as last reported
    // language reports counted so that an older one cannot undo a newer one: a transcript
    // fetched while a message was answered or a push came may have read the session before
    languageReports: 0,
    languagePushes: 0,
    mode: "bot",
    agentName: null,
    syncedSeq: 0,
    bySeq: new Map(),
    pending: [],
    inflight: 0,
    open: false,
    unread: 0,
    loaded: false,
    creating: null,
    chain: Promise.resolve(),
    ws: null,
    wsLive: false,
    wsAttempts: 0,
    wsTimer: null,
    pollTimer: null,
    online: true,
    generation: 0,
  };
  let welcomeShown = false;

  // ---------------------------------------------------------------- the API (app URL only)

  class NetworkError extends Error {}
  class ApiError extends Error {
    constructor(status, detail) {
      super(detail || "HTTP " + status);
      this.status = status;
      this.detail = detail;
    }
  }

  async function api(path, { method = "GET", body, auth = true } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth) headers.Authorization = "Bearer " + state.token;
    let response;
    try {
      response = await fetch(APP_URL + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "strict-origin-when-cross-origin",
      });
    } catch (_) {
      throw new NetworkError("network");
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch (_) {
      payload = null;
    }
    setOnline(true); // the app answered, whatever it said
    if (!response.ok) {
      const detail = payload && typeof payload.detail === "string" ? payload.detail : null;
      throw new ApiError(response.status, detail);
    }
    return payload || {};
  }

  const sessionPath = () => "/api/chat/sessions/" + encodeURIComponent(state.sessionId);

  async function ensureSession() {
    if (state.sessionId) return;
    if (!state.creating) {
      state.creating = (async () => {
        const pageUrl = (location.origin + location.pathname).slice(0, 2048);
        // after an expired session the new one goes on in the language the chat had reached
        const locale = LANG === PAGE_LANG ? LOCALE : LANG;
        const body = await api("/api/chat/sessions", {
          method: "POST",
          body: { locale, page_url: pageUrl },
          auth: false,
        });
        state.sessionId = body.session_id;
        state.token = body.token;
        state.language = LANG;
        state.syncedSeq = 0;
        state.loaded = true;
        store(state.sessionId, state.token, state.language);
        connect();
      })().finally(() => {
        state.creating = null;
      });
    }
    return state.creating;
  }

  /** The session is gone (401/404): forget it; the next message starts a new one. */
  function dropSession() {
    state.generation += 1;
    state.sessionId = null;
    state.token = null;
    state.language = null;
    state.syncedSeq = 0;
    state.wsLive = false;
    store(null);
    if (state.ws) {
      const ws = state.ws;
      state.ws = null;
      ws.onclose = null;
      ws.close();
    }
    clearTimeout(state.wsTimer);
    stopPolling();
  }

  // ---------------------------------------------------------------- rendering

  function sortKey(node) {
    return Number(node.dataset.key);
  }

  function insertSorted(node) {
    const key = sortKey(node);
    let before = null;
    for (let child = log.lastElementChild; child; child = child.previousElementSibling) {
      if (sortKey(child) <= key) break;
      before = child;
    }
    log.insertBefore(node, before);
    markRuns();
  }

  function maxKey() {
    for (let child = log.lastElementChild; child; child = child.previousElementSibling) {
      const key = sortKey(child);
      if (Number.isFinite(key)) return key;
    }
    return 0;
  }

  /** Show the speaker's name and time on the first message of each run only. */
  function markRuns() {
    let previous = null;
    for (const child of log.children) {
      const speaker = child.dataset.speaker || "";
      const start = speaker !== previous;
      child.classList.toggle("run-start", start);
      const meta = child.querySelector(".meta");
      if (meta) meta.hidden = !start;
      previous = speaker;
    }
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollDown(force) {
    if (force || nearBottom()) log.scrollTop = log.scrollHeight;
  }

  function speakerOf(message) {
    if (message.role === "buyer") return t("you");
    if (message.role === "agent") return t("agent", { name: message.author || t("teamMember") });
    if (message.role === "system") return t("notice");
    return t("assistant");
  }

  const messageOf = new WeakMap(); // node -> the message it shows (to relabel it)

  function metaText(message) {
    const speaker = speakerOf(message);
    const time = clock(message.created_at);
    return time ? speaker + " · " + time : speaker;
  }

  function messageNode(message, key) {
    if (message.role === "system") {
      return el("div", { class: "notice important", "data-key": key, "data-speaker": "system" }, [
        el("span", { class: "sr-only", text: t("notice") + ": " }),
        richText(message.text),
      ]);
    }
    const speaker = speakerOf(message);
    const node = el("div", {
      class: "msg " + (message.role === "buyer" ? "buyer" : message.role === "agent" ? "agent" : "bot"),
      "data-key": key,
      "data-speaker": message.role + ":" + (message.author || ""),
    });
    node.append(
      el("div", { class: "meta", "aria-hidden": "true", text: metaText(message) }),
      el("div", { class: "bubble" }, [el("span", { class: "sr-only", text: speaker + ": " }), richText(message.text)])
    );
    messageOf.set(node, message);
    return node;
  }

  function notice(text, important) {
    const node = el("div", {
      class: "notice" + (important ? " important" : ""),
      "data-key": String(maxKey() + 0.01),
      "data-speaker": "notice",
    });
    node.textContent = text;
    insertSorted(node);
    scrollDown(true);
    return node;
  }

  function showWelcome() {
    if (welcomeShown) return;
    welcomeShown = true;
    const node = messageNode({ role: "bot", text: t("welcome"), created_at: null }, "0");
    node.classList.add("welcome");
    log.prepend(node);
    markRuns();
  }

  /** Add a server message once (by seq); a buyer message replaces its pending bubble. */
  function addMessage(message, { live = true } = {}) {
    if (!message || typeof message.seq !== "number" || typeof message.text !== "string") return;
    if (state.bySeq.has(message.seq)) return;
    if (message.role === "buyer") {
      const match = state.pending.find((p) => p.shown.trim() === message.text.trim());
      if (match) {
        state.pending.splice(state.pending.indexOf(match), 1);
        match.node.remove();
      }
    }
    const node = messageNode(message, String(message.seq));
    state.bySeq.set(message.seq, { message, node });
    const follow = nearBottom() || message.role === "buyer";
    insertSorted(node);
    scrollDown(follow);
    if (message.role === "agent" && message.author) {
      if (state.agentName !== message.author && state.mode === "agent") {
        state.agentName = message.author;
        updateSubtitle();
      }
      state.agentName = message.author;
    }
    if (live && message.role !== "buyer" && !state.open) {
      state.unread += 1;
      updateLauncher();
    }
    renderQuickReplies();
  }

  function lastServerMessage() {
    let last = null;
    for (const [seq, entry] of state.bySeq) if (!last || seq > last.seq) last = entry.message;
    return last;
  }

  function renderQuickReplies() {
    const follow = nearBottom();
    quick.replaceChildren();
    const last = lastServerMessage();
    const buttons =
      last &&
      (last.role === "bot" || last.role === "agent") &&
      !state.pending.some((p) => p.status !== "sent") &&
      Array.isArray(last.buttons)
        ? last.buttons.filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
        : [];
    for (const button of buttons) {
      quick.append(
        el("button", {
          class: "chip",
          type: "button",
          text: button.title,
          onclick: () => sendPayload(button.payload, button.title),
        })
      );
    }
    quick.hidden = buttons.length === 0;
    scrollDown(follow);
  }

  function updateTyping() {
    const show = state.inflight > 0 && state.mode === "bot";
    if (typing.hidden === !show) return;
    const follow = nearBottom();
    typing.hidden = !show;
    typingStatus.textContent = show ? t("typing") : "";
    scrollDown(follow);
  }

  function updateSubtitle() {
    if (state.mode === "agent") subtitleText.textContent = t("withAgent", { name: state.agentName || t("teamMember") });
    else if (state.mode === "waiting_for_agent") subtitleText.textContent = t("waiting");
    else subtitleText.textContent = subtitle();
    presence.classList.toggle("off", !state.online);
  }

  function updateLauncher() {
    if (state.open) state.unread = 0;
    badge.hidden = state.unread === 0;
    badge.textContent = state.unread > 9 ? "9+" : String(state.unread);
    launcher.setAttribute(
      "aria-label",
      state.open
        ? t("minimize")
        : state.unread
          ? t("openUnread", { title: title(), n: state.unread })
          : t("open", { title: title() })
    );
  }

  function setMode(mode) {
    if (!["bot", "waiting_for_agent", "agent"].includes(mode) || mode === state.mode) return;
    state.mode = mode;
    // the server's own message says who joined or left, in the buyer's language: the mode
    // shows in the subtitle only (a notice here would say it twice)
    updateSubtitle();
    updateTyping();
  }

  /**
   * The session's language as the server reports it (answers, transcript, "mode" pushes): the
   * widget's own texts follow it, and it is stored with the session for the next page view.
   */
  function setLanguage(value) {
    const lang = uiLanguage(value);
    if (!lang) return;
    if (state.sessionId && state.language !== lang) {
      state.language = lang;
      store(state.sessionId, state.token, lang);
    }
    if (lang === LANG) return;
    LANG = lang;
    T = STRINGS[lang];
    root.setAttribute("lang", langTag(lang));
    panel.setAttribute("lang", langTag(lang));
    titleText.textContent = title();
    closeButton.setAttribute("aria-label", t("close"));
    log.setAttribute("aria-label", t("log"));
    typingText.textContent = t("typing");
    if (typingStatus.textContent) typingStatus.textContent = t("typing");
    quick.setAttribute("aria-label", t("suggestions"));
    input.setAttribute("aria-label", t("input"));
    input.setAttribute("placeholder", t("placeholder"));
    sendButton.setAttribute("aria-label", t("send"));
    if (!banner.hidden) {
      banner.textContent = state.online ? t("back") : navigator.onLine === false ? t("offline") : t("reconnecting");
    }
    for (const item of state.pending) if (item.status !== "sent") pendingState(item, item.status);
    // the visible speaker names (hidden from screen readers, which heard each message once)
    for (const node of log.children) {
      const message = messageOf.get(node);
      const meta = node.querySelector(".meta");
      if (message && meta) meta.textContent = metaText(message);
    }
    updateCounter();
    updateSubtitle();
    updateLauncher();
  }

  let bannerTimer = null;
  function setOnline(online) {
    if (online === state.online) return;
    state.online = online;
    clearTimeout(bannerTimer);
    if (!online) {
      banner.classList.remove("ok");
      banner.textContent = navigator.onLine === false ? t("offline") : t("reconnecting");
      banner.hidden = false;
    } else {
      banner.classList.add("ok");
      banner.textContent = t("back");
      banner.hidden = false;
      bannerTimer = setTimeout(() => {
        banner.hidden = true;
      }, 2500);
    }
    updateSubtitle();
  }

  // ---------------------------------------------------------------- pending buyer messages

  function pendingState(item, status) {
    item.status = status;
    item.stateNode.className = "state" + (status === "failed" ? " failed" : "");
    item.stateNode.replaceChildren();
    item.node.classList.toggle("pending", status !== "sent");
    if (status === "sending") item.stateNode.textContent = t("sending");
    else if (status === "queued") item.stateNode.textContent = t("queued");
    else if (status === "failed") {
      item.stateNode.append(
        el("span", { text: t("failed") }),
        el("button", {
          class: "link-button",
          type: "button",
          text: t("retry"),
          onclick: () => {
            pendingState(item, "sending");
            enqueue(item);
          },
        })
      );
    }
  }

  /** An id for one buyer message: sent again (a retry, a reconnection), it is answered once. */
  function clientMessageId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function addPending(shown, body) {
    body = { ...body, client_message_id: clientMessageId() };
    const node = messageNode({ role: "buyer", text: shown, created_at: null }, "Infinity");
    node.classList.add("pending");
    const stateNode = el("div", { class: "state", "aria-live": "off" });
    node.append(stateNode);
    const item = { shown, body, node, stateNode, status: "sending" };
    pendingState(item, navigator.onLine === false ? "queued" : "sending");
    state.pending.push(item);
    insertSorted(node);
    scrollDown(true);
    renderQuickReplies();
    return item;
  }

  function removePending(item) {
    const index = state.pending.indexOf(item);
    if (index >= 0) state.pending.splice(index, 1);
    item.node.remove();
    renderQuickReplies();
  }

  function enqueue(item) {
    state.chain = state.chain.then(() => deliver(item)).catch(() => undefined);
    return state.chain;
  }

  /** POST one buyer message; network trouble leaves it queued for the reconnection. */
  async function deliver(item, retried) {
    if (!state.pending.includes(item) || (item.status !== "sending" && item.status !== "queued")) return;
    if (navigator.onLine === false) {
      pendingState(item, "queued");
      return;
    }
    pendingState(item, "sending");
    state.inflight += 1;
    updateTyping();
    let again = false;
    try {
      await ensureSession();
      const generation = state.generation;
      const pushes = state.languagePushes;
      const turn = await api(sessionPath() + "/messages", { method: "POST", body: item.body });
      if (generation !== state.generation) return;
      pendingState(item, "sent");
      if (turn.language) {
        if (pushes === state.languagePushes) setLanguage(turn.language);
        state.languageReports += 1;
      }
      for (const message of turn.messages || []) addMessage(message);
      if (turn.mode) setMode(turn.mode);
      // our own message (with its seq) comes over the WebSocket; if that is down, fetch it
      if (state.pending.includes(item)) await sync().catch(() => undefined);
    } catch (error) {
      if (error instanceof NetworkError) {
        setOnline(false);
        pendingState(item, "queued");
        startPolling();
      } else if (error instanceof ApiError && (error.status === 401 || error.status === 404) && !retried) {
        dropSession();
        notice(t("restarted"));
        again = true;
      } else if (error instanceof ApiError && error.status === 503) {
        // the engine is down but the message was kept: a person will follow up
        pendingState(item, "sent");
        notice(error.detail || t("error"), true);
        await sync().catch(() => undefined);
      } else if (error instanceof ApiError && (error.status === 422 || error.status === 413)) {
        removePending(item);
        notice(error.detail || (error.status === 413 ? t("tooLong", { max: MAX_CHARS }) : t("error")), true);
      } else {
        pendingState(item, "failed");
        notice((error instanceof ApiError && error.detail) || t("error"), true);
      }
    } finally {
      state.inflight -= 1;
      updateTyping();
      renderQuickReplies();
    }
    if (again) {
      pendingState(item, "sending");
      await deliver(item, true);
    }
  }

  function sendText(raw) {
    const text = raw.replace(/\s+$/, "");
    if (!text.trim()) return;
    if (text.length > MAX_CHARS) {
      notice(t("tooLong", { max: MAX_CHARS }), true);
      return;
    }
    enqueue(addPending(text.trim(), { text }));
  }

  function sendPayload(payload, title) {
    quick.replaceChildren();
    quick.hidden = true;
    enqueue(addPending(title, { payload }));
    input.focus();
  }

  /** After a reconnection: catch up, then send what waited (unless it arrived after all). */
  async function flushOutbox() {
    if (!state.pending.some((p) => p.status === "queued")) return;
    if (state.sessionId) await sync().catch(() => undefined);
    for (const item of state.pending.slice()) if (item.status === "queued") enqueue(item);
  }

  // ---------------------------------------------------------------- transcript, WebSocket, polling

  let syncing = null;
  async function sync() {
    if (!state.sessionId) return;
    if (syncing) return syncing;
    const generation = state.generation;
    const reports = state.languageReports;
    syncing = (async () => {
      try {
        const body = await api(sessionPath() + "/messages?after=" + state.syncedSeq);
        if (generation !== state.generation) return;
        const live = state.loaded;
        for (const message of body.messages || []) {
          addMessage(message, { live });
          if (message.seq > state.syncedSeq) state.syncedSeq = message.seq;
        }
        if (body.mode) setMode(body.mode);
        if (body.language && reports === state.languageReports) setLanguage(body.language);
        state.loaded = true;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
          dropSession();
        } else if (error instanceof NetworkError) {
          setOnline(false);
        }
        throw error;
      } finally {
        syncing = null;
      }
    })();
    return syncing;
  }

  function connect() {
    if (!state.sessionId || state.ws || !("WebSocket" in window)) {
      if (!("WebSocket" in window)) startPolling();
      return;
    }
    clearTimeout(state.wsTimer);
    const generation = state.generation;
    const url =
      WS_URL +
      sessionPath() +
      "/ws?token=" +
      encodeURIComponent(state.token);
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (_) {
      reconnectLater();
      return;
    }
    state.ws = ws;
    state.wsLive = false;
    ws.onopen = () => {
      if (generation !== state.generation) return;
      state.wsAttempts = 0;
      stopPolling();
      sync()
        .then(() => {
          state.wsLive = true;
          setOnline(true);
          return flushOutbox();
        })
        .catch(() => undefined);
    };
    ws.onmessage = (event) => {
      if (generation !== state.generation) return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (_) {
        return;
      }
      if (!msg || typeof msg !== "object") return;
      if (msg.type === "message") {
        addMessage(msg);
        if (state.wsLive && msg.seq > state.syncedSeq) state.syncedSeq = msg.seq;
      } else if (msg.type === "mode") {
        setMode(msg.mode);
        if (typeof msg.language === "string") {
          state.languagePushes += 1;
          state.languageReports += 1;
          setLanguage(msg.language);
        }
      } else if (msg.type === "error" && typeof msg.detail === "string") {
        notice(msg.detail, true);
      }
    };
    ws.onclose = (event) => {
      if (state.ws !== ws) return;
      state.ws = null;
      state.wsLive = false;
      if (generation !== state.generation) return;
      if (event.code === 4401 || event.code === 4404) {
        dropSession();
        return;
      }
      startPolling();
      reconnectLater();
    };
    ws.onerror = () => undefined; // a close event follows
  }

  function reconnectLater() {
    clearTimeout(state.wsTimer);
    const delay = Math.min(WS_MAX_DELAY_MS, 1000 * Math.pow(2, state.wsAttempts));
    state.wsAttempts += 1;
    state.wsTimer = setTimeout(connect, delay * (0.6 + Math.random() * 0.4));
  }

  function reconnectNow() {
    if (!state.sessionId) return;
    state.wsAttempts = 0;
    if (state.ws && state.ws.readyState <= 1) return;
    if (state.ws) state.ws = null;
    connect();
  }

  function startPolling() {
    if (state.pollTimer || !state.sessionId) return;
    const tick = async () => {
      state.pollTimer = setTimeout(tick, state.open ? POLL_MS : POLL_MS_CLOSED);
      if (state.wsLive || navigator.onLine === false) return;
      try {
        await sync();
        setOnline(true);
        await flushOutbox();
      } catch (_) {
        /* still down; the banner says so */
      }
    };
    state.pollTimer = setTimeout(tick, state.open ? POLL_MS : POLL_MS_CLOSED);
  }

  function stopPolling() {
    clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }

  window.addEventListener("offline", () => {
    setOnline(false);
    if (state.ws) {
      const ws = state.ws;
      ws.close(); // onclose starts polling and the backoff
    }
  });
  window.addEventListener("online", () => {
    reconnectNow();
    if (state.sessionId) {
      sync()
        .then(() => {
          setOnline(true);
          return flushOutbox();
        })
        .catch(() => undefined);
    } else {
      setOnline(true);
      flushOutbox();
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && state.sessionId && !state.ws) reconnectNow();
  });

  // ---------------------------------------------------------------- open, close, keyboard

  function openPanel() {
    if (state.open) return;
    state.open = true;
    root.classList.add("open");
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    updateLauncher();
    showWelcome();
    scrollDown(true);
    input.focus();
    if (state.sessionId && !state.loaded) sync().catch(() => undefined);
  }

  function closePanel() {
    if (!state.open) return;
    state.open = false;
    root.classList.remove("open");
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    updateLauncher();
    launcher.focus();
  }

  launcher.addEventListener("click", () => (state.open ? closePanel() : openPanel()));
  // any element of the page with data-exportdesk-open opens the chat (its value, if any, is
  // put into the message box for the buyer to edit and send)
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("[data-exportdesk-open]") : null;
    if (!target) return;
    event.preventDefault();
    const text = (target.getAttribute("data-exportdesk-open") || "").slice(0, MAX_CHARS);
    openPanel();
    if (text && !input.value.trim()) {
      input.value = text;
      updateCounter();
      autosize();
    }
    input.focus();
  });
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closePanel();
    }
  });

  function autosize() {
    input.style.height = "auto"; // CSSOM style property: allowed under CSP (not an attribute)
    input.style.height = Math.min(input.scrollHeight + 2, 140) + "px";
  }

  function updateCounter() {
    const n = input.value.length;
    counter.textContent = t("counter", { n, max: MAX_CHARS });
    counter.classList.toggle("near", n >= MAX_CHARS * 0.9 && n < MAX_CHARS);
    counter.classList.toggle("full", n >= MAX_CHARS);
    sendButton.disabled = input.value.trim() === "";
  }

  input.addEventListener("input", () => {
    updateCounter();
    autosize();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    updateCounter();
    autosize();
    sendText(text);
    input.focus();
  });
  updateCounter();

  // ---------------------------------------------------------------- start

  function mount() {
    if (state.language) setLanguage(state.language); // as the session last was, until the sync
    document.body.append(host);
    if (state.sessionId) {
      state.loaded = false;
      sync()
        .then(() => connect())
        .catch(() => {
          if (state.sessionId) {
            startPolling();
            connect();
          }
        });
    }
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
