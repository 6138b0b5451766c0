// 依申请公开 form: show the applicant fields of the chosen type (natural person or organisation).
(function () {
  "use strict";
  var form = document.querySelector(".request-form");
  if (!form) return;
  var person = form.querySelector(".applicant-person");
  var organisation = form.querySelector(".applicant-organisation");
  function update() {
    var checked = form.querySelector('input[name="applicant_type"]:checked');
    var isPerson = !checked || checked.value === "natural_person";
    if (person) person.hidden = !isPerson;
    if (organisation) organisation.hidden = isPerson;
  }
  form.querySelectorAll('input[name="applicant_type"]').forEach(function (input) {
    input.addEventListener("change", update);
  });
  update();
})();
