// "Choose a trial" beside an NCT ID input (trials/widgets.py): opens the trial chooser
// and writes the chosen trial's NCT ID into the input, which stays free text.
(function () {
  function register() {
    if (!window.wagtail || !window.wagtail.app || !window.StimulusModule) return false;
    class NctIdChooser extends window.StimulusModule.Controller {
      static values = { url: String };

      choose(event) {
        event.preventDefault();
        const input = this.element.querySelector("input");
        window.ModalWorkflow({
          url: this.urlValue,
          onload: new window.ChooserModalOnloadHandlerFactory().getOnLoadHandlers(),
          responses: {
            chosen: (result) => {
              input.value = result.nct_id;
              input.dispatchEvent(new Event("change", { bubbles: true }));
            },
          },
        });
      }
    }
    window.wagtail.app.register("nct-id-chooser", NctIdChooser);
    return true;
  }
  if (!register()) document.addEventListener("DOMContentLoaded", register);
})();
