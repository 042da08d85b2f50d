// go-app reads the address with Go's url.Parse and stops before the page
// starts if that fails, as it does on a bad %-escape in the #fragment.
// Escape such a % before the app starts, so that the page opens and says
// why the link does not.
(function () {
  const hash = location.hash;
  const fixed = hash.replace(/%(?![0-9A-Fa-f]{2})/g, "%25");
  if (fixed !== hash) {
    history.replaceState(history.state, "", location.pathname + location.search + fixed);
  }
})();
