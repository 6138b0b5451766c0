// Passkeys (WebAuthn) on the admin's 两步验证 pages (portal/views.py, django-otp-webauthn's
// ceremonies): register a named passkey ([data-passkey-register] form) and verify a login with
// one ([data-passkey-verify]). The server hands out the options as JSON (binary fields in
// base64url), the browser asks the authenticator, and the answer goes back as JSON. Every message
// is shown in the element with role="status", which screen readers announce. No inline script:
// the URLs come from data- attributes (CSP script-src 'self').
(function () {
  "use strict";

  var MESSAGES = {
    unsupported: "当前浏览器不支持通行密钥，请使用新版 Chrome、Edge、Firefox 或 Safari，或改用验证码。",
    cancelled: "操作已取消或超时，请重试。",
    duplicate: "这个安全密钥已经注册过了，请换一个密钥，或直接使用已注册的通行密钥。",
    network: "网络连接失败，请检查网络后重试。",
    failed: "通行密钥操作未成功，请重试或改用其他方式。",
    nameRequired: "请填写通行密钥名称",
    registering: "请按浏览器提示操作：插入或触摸安全密钥，或使用本机的指纹、面容或 PIN 确认……",
    verifying: "请按浏览器提示操作：插入或触摸安全密钥，或使用本机的指纹、面容或 PIN 确认……",
    finishing: "正在完成，请稍候……",
    done: "操作成功，正在跳转……",
  };

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withNext(url, next) {
    return next ? url + "?next=" + encodeURIComponent(next) : url;
  }

  function post(url, root, body) {
    var token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {}),
    }).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { ok: response.ok, data: data };
          });
      },
      function () {
        throw new Error(MESSAGES.network);
      }
    );
  }

  function refuse(result) {
    var error = new Error((result.data && result.data.detail) || MESSAGES.failed);
    error.errors = result.data && result.data.errors;
    throw error;
  }

  function browserError(error) {
    if (error && error.name === "InvalidStateError") return new Error(MESSAGES.duplicate);
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      return new Error(MESSAGES.cancelled);
    }
    return error instanceof Error && /[\u4e00-\u9fff]/.test(error.message)
      ? error
      : new Error(MESSAGES.failed);
  }

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials);
  }

  function say(status, text, isError) {
    status.textContent = text;
    status.classList.toggle("errornote", !!isError);
  }

  function setupRegister(form) {
    var status = form.querySelector("[role=status]");
    var input = form.querySelector("input[name=name]");
    var fieldErrors = form.querySelector(".passkey-name-errors");
    var button = form.querySelector("button[type=submit]");

    function showFieldError(text) {
      fieldErrors.textContent = "";
      if (text) {
        var list = document.createElement("ul");
        list.className = "errorlist";
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
        fieldErrors.appendChild(list);
        input.setAttribute("aria-invalid", "true");
        input.focus();
      } else {
        input.removeAttribute("aria-invalid");
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!supported()) return say(status, MESSAGES.unsupported, true);
      var name = input.value.trim();
      if (!name) return showFieldError(MESSAGES.nameRequired);
      showFieldError("");
      button.disabled = true;
      say(status, MESSAGES.registering);
      post(form.dataset.begin, form, { name: name })
        .then(function (result) {
          if (!result.ok) refuse(result);
          var options = result.data;
          options.challenge = toBuffer(options.challenge);
          options.user.id = toBuffer(options.user.id);
          options.excludeCredentials = (options.excludeCredentials || []).map(function (c) {
            return Object.assign({}, c, { id: toBuffer(c.id) });
          });
          return navigator.credentials.create({ publicKey: options }).catch(function (error) {
            throw browserError(error);
          });
        })
        .then(function (credential) {
          say(status, MESSAGES.finishing);
          var response = credential.response;
          return post(withNext(form.dataset.complete, form.dataset.next), form, {
            id: credential.id,
            rawId: toBase64url(credential.rawId),
            type: credential.type,
            authenticatorAttachment: credential.authenticatorAttachment || null,
            clientExtensionResults: credential.getClientExtensionResults(),
            response: {
              clientDataJSON: toBase64url(response.clientDataJSON),
              attestationObject: toBase64url(response.attestationObject),
              transports: response.getTransports ? response.getTransports() : [],
            },
          });
        })
        .then(function (result) {
          if (!result.ok) refuse(result);
          say(status, MESSAGES.done);
          window.location.assign(result.data.redirect_url);
        })
        .catch(function (error) {
          button.disabled = false;
          if (error.errors && error.errors.name) {
            say(status, "");
            return showFieldError(error.errors.name[0]);
          }
          say(status, browserError(error).message, true);
        });
    });
  }

  function setupVerify(root) {
    var status = root.querySelector("[role=status]");
    var button = root.querySelector("button");
    button.addEventListener("click", function () {
      if (!supported()) return say(status, MESSAGES.unsupported, true);
      button.disabled = true;
      say(status, MESSAGES.verifying);
      post(root.dataset.begin, root)
        .then(function (result) {
          if (!result.ok) refuse(result);
          var options = result.data;
          options.challenge = toBuffer(options.challenge);
          options.allowCredentials = (options.allowCredentials || []).map(function (c) {
            return Object.assign({}, c, { id: toBuffer(c.id) });
          });
          return navigator.credentials.get({ publicKey: options }).catch(function (error) {
            throw browserError(error);
          });
        })
        .then(function (credential) {
          say(status, MESSAGES.finishing);
          var response = credential.response;
          return post(withNext(root.dataset.complete, root.dataset.next), root, {
            id: credential.id,
            rawId: toBase64url(credential.rawId),
            type: credential.type,
            authenticatorAttachment: credential.authenticatorAttachment || null,
            clientExtensionResults: credential.getClientExtensionResults(),
            response: {
              clientDataJSON: toBase64url(response.clientDataJSON),
              authenticatorData: toBase64url(response.authenticatorData),
              signature: toBase64url(response.signature),
              userHandle: toBase64url(response.userHandle),
            },
          });
        })
        .then(function (result) {
          if (!result.ok) refuse(result);
          say(status, MESSAGES.done);
          window.location.assign(result.data.redirect_url);
        })
        .catch(function (error) {
          button.disabled = false;
          say(status, browserError(error).message, true);
        });
    });
  }

  function start() {
    document.querySelectorAll("[data-passkey-register]").forEach(setupRegister);
    document.querySelectorAll("[data-passkey-verify]").forEach(setupVerify);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
