// The /pay/ page: Stripe.js turns the card into a PaymentMethod in the browser, the form posts
// its id to Rush, which confirms the payment; a 3-D Secure request is answered here.
(function () {
  "use strict";
  const form = document.getElementById("card-form");
  const pending = document.getElementById("authenticate");
  const holder = form || pending;
  if (!holder || typeof Stripe === "undefined") {
    return;
  }
  const stripe = Stripe(holder.dataset.stripeKey);
  if (pending) {
    stripe.confirmCardPayment(pending.dataset.clientSecret).then(function () {
      window.location.assign(pending.dataset.returnUrl);
    });
    return;
  }
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const problem = document.getElementById("card-error");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    const answer = await stripe.createPaymentMethod({ type: "card", card: card });
    if (!answer || answer.error) {
      problem.textContent = (answer && answer.error && answer.error.message) || "";
      problem.hidden = false;
      button.disabled = false;
      return;
    }
    document.getElementById("payment-method").value = answer.paymentMethod.id;
    form.submit();
  });
})();
