// LTI platform storage (1EdTech "Client Side postMessages"): at login, put this login's
// state and nonce into the LMS's storage, then go on to the LMS's sign-in (where the LMS
// does not answer, the fallback address, which checks the launch server-side only); at
// launch, read them back and post them with the launch to gradquiz.
(() => {
  const box = document.getElementById("lti-storage");
  if (!box) return;
  const { mode, target, origin, state, nonce } = box.dataset;
  const WAIT_MS = 3000;
  let frame = null;
  try {
    if (window.parent !== window) {
      frame = target === "_parent" ? window.parent : window.parent.frames[target];
    }
  } catch {
    frame = null;
  }

  function ask(subject, key, value) {
    return new Promise((resolve, reject) => {
      if (!frame) {
        reject(new Error("no LMS frame"));
        return;
      }
      const id = `${subject}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const timer = setTimeout(() => {
        window.removeEventListener("message", listen);
        reject(new Error("the LMS did not answer"));
      }, WAIT_MS);
      function listen(event) {
        const data = event.data;
        if (event.origin !== origin || !data || typeof data !== "object") return;
        if (data.message_id !== id || !String(data.subject).endsWith(`${subject}.response`)) {
          return;
        }
        clearTimeout(timer);
        window.removeEventListener("message", listen);
        if (data.error) reject(new Error(String(data.error.code || "error")));
        else resolve(data.value);
      }
      window.addEventListener("message", listen);
      const message = { subject, message_id: id, key };
      if (value !== undefined) message.value = value;
      frame.postMessage(message, origin);
    });
  }

  if (mode === "put") {
    Promise.all([
      ask("lti.put_data", `state_${state}`, state),
      ask("lti.put_data", `nonce_${nonce}`, nonce),
    ]).then(
      () => window.location.replace(box.dataset.next),
      () => window.location.replace(box.dataset.fallback),
    );
  } else if (mode === "get") {
    const form = document.getElementById("lti-storage-launch");
    Promise.all([
      ask("lti.get_data", `state_${state}`),
      ask("lti.get_data", `nonce_${nonce}`),
    ]).then(
      ([storedState, storedNonce]) => {
        form.elements.lti_storage_state.value = String(storedState ?? "");
        form.elements.lti_storage_nonce.value = String(storedNonce ?? "");
        form.submit();
      },
      () => {
        document.getElementById("lti-storage-failed").hidden = false;
      },
    );
  }
})();
