// 人机验证 of citizen forms (portal/captcha.py): fetch an ALTCHA challenge, find the number whose
// SHA-256 with the salt equals it (Web Crypto), put the solution into the hidden input and say so
// in the status line, which screen readers announce (role="status"). Nothing to click: the check
// starts when the visitor enters the form, and a submit waits for it. A solution is good once and
// expires, so a submit after the expiry, or after an error page, solves a fresh challenge.
(function () {
  "use strict";
  if (window.portalCaptcha) return;
  window.portalCaptcha = true;

  var BATCH = 200;
  var MARGIN_MS = 60 * 1000;

  function encode(text) {
    return new TextEncoder().encode(text);
  }

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (byte) {
        return ("0" + byte.toString(16)).slice(-2);
      })
      .join("");
  }

  function expiresAt(salt) {
    var match = /[?&]expires=(\d+)/.exec(salt);
    return match ? Number(match[1]) * 1000 : 0;
  }

  function solve(challenge) {
    var max = challenge.maxNumber;
    function from(start) {
      var tries = [];
      for (var n = start; n < start + BATCH && n <= max; n++) {
        tries.push(crypto.subtle.digest("SHA-256", encode(challenge.salt + n)));
      }
      return Promise.all(tries).then(function (hashes) {
        for (var i = 0; i < hashes.length; i++) {
          if (hex(hashes[i]) === challenge.challenge) return start + i;
        }
        if (start + BATCH > max) return null;
        return from(start + BATCH);
      });
    }
    return from(0);
  }

  function setUp(box) {
    var form = box.closest("form");
    var input = box.querySelector('input[type="hidden"]');
    var status = box.querySelector(".captcha-status");
    var retry = box.querySelector(".captcha-retry");
    var url = box.getAttribute("data-challenge-url");
    var running = null;
    var validUntil = 0;
    var submitting = false;

    function say(text) {
      status.textContent = text;
    }

    function run() {
      if (running) return running;
      if (!(window.crypto && crypto.subtle && window.fetch)) {
        say("当前浏览器不支持人机验证所需的功能，请使用较新版本的浏览器，或通过 HTTPS 地址访问本站。");
        return Promise.resolve(false);
      }
      input.value = "";
      retry.hidden = true;
      say("正在进行人机验证，请稍候……（在您的设备上自动完成，无需操作）");
      running = fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (challenge) {
          return solve(challenge).then(function (number) {
            if (number === null) throw new Error("unsolved");
            input.value = btoa(
              JSON.stringify({
                algorithm: challenge.algorithm,
                challenge: challenge.challenge,
                number: number,
                salt: challenge.salt,
                signature: challenge.signature,
              })
            );
            validUntil = expiresAt(challenge.salt) - MARGIN_MS;
            say("人机验证已完成，可以提交。");
            return true;
          });
        })
        .catch(function () {
          say("人机验证未能完成，可能是网络不稳定。请按“重新进行人机验证”按钮再试。");
          retry.hidden = false;
          return false;
        })
        .then(function (done) {
          running = null;
          return done;
        });
      return running;
    }

    function fresh() {
      return input.value && Date.now() < validUntil;
    }

    // A solution is good once: never one restored by the browser (reload, back button).
    input.value = "";
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        input.value = "";
        validUntil = 0;
      }
    });
    form.addEventListener("focusin", function () {
      if (!fresh()) run();
    });
    form.addEventListener("submit", function (event) {
      if (submitting || fresh()) return;
      event.preventDefault();
      run().then(function (done) {
        if (!done) return;
        submitting = true;
        if (form.requestSubmit) form.requestSubmit(event.submitter || undefined);
        else form.submit();
        submitting = false;
      });
    });
    retry.addEventListener("click", function () {
      run().then(function (done) {
        if (done) status.focus();
      });
    });
    status.setAttribute("tabindex", "-1");
  }

  function start() {
    document.querySelectorAll(".captcha-check").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
