// A file dropped on the paste box is read by the page (app/waysin.go). The
// page's own handler runs after this event has ended, too late to stop the
// browser from opening the file instead: stop it here.
for (const type of ["dragover", "drop"]) {
  document.addEventListener(type, function (e) {
    if (e.target instanceof Element && e.target.closest("#paste")) e.preventDefault();
  });
}
