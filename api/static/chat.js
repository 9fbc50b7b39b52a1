// The web chat client: posts each message to /webchat/messages and shows the replies.
// Text is always inserted with textContent, never as HTML.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  const send = document.getElementById("send");
  const error = document.getElementById("error");

  function userId() {
    let id = localStorage.getItem("prottasha_user");
    if (!id) {
      id = "web-" + (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
      localStorage.setItem("prottasha_user", id);
    }
    return id;
  }

  function bubble(text, who) {
    const li = document.createElement("li");
    li.className = "msg " + who;
    li.textContent = text;
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
    return li;
  }

  function buttons(list) {
    if (!list || !list.length) return;
    const li = document.createElement("li");
    li.className = "buttons";
    for (const b of list) {
      const el = document.createElement("button");
      el.type = "button";
      el.textContent = b.title;
      el.addEventListener("click", () => post(b.payload, b.title));
      li.appendChild(el);
    }
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  async function post(text, shown) {
    error.hidden = true;
    bubble(shown || text, "me");
    const wait = bubble("…", "bot typing");
    send.disabled = true;
    try {
      const res = await fetch("/webchat/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user_id: userId(), text: text,
                               message_id: (crypto.randomUUID ? crypto.randomUUID() : undefined) }),
      });
      const data = await res.json().catch(() => ({}));
      wait.remove();
      if (!res.ok) {
        error.textContent = (data.error && data.error.message) || "Something went wrong. আবার চেষ্টা করুন।";
        error.hidden = false;
        return;
      }
      for (const m of data.messages) {
        bubble(m.text, "bot");
        buttons(m.buttons);
      }
    } catch (e) {
      wait.remove();
      error.textContent = "No connection. ইন্টারনেট সংযোগ দেখুন, আবার চেষ্টা করুন।";
      error.hidden = false;
    } finally {
      send.disabled = false;
      input.focus();
    }
  }

  // Replies from a field organizer arrive later: ask for them every few seconds.
  async function poll() {
    try {
      const res = await fetch("/webchat/messages?user_id=" + encodeURIComponent(userId()));
      if (res.ok) {
        const data = await res.json();
        for (const m of data.messages) {
          bubble(m.text, "bot");
          buttons(m.buttons);
        }
      }
    } catch (e) { /* offline: try again next time */ }
  }
  setInterval(poll, 8000);

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    post(text);
  });

  // A bilingual welcome that costs no request; either button starts the chat in that language.
  bubble("আসসালামু আলাইকুম! প্রত্যাশায় স্বাগতম।\nWelcome to Prottasha.", "bot");
  buttons([{ title: "বাংলায় শুরু করুন", payload: "হ্যালো" },
           { title: "Start in English", payload: "hello" }]);
})();
