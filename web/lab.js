// corsplay's live lab: make the scenario's fetch() for real, from this page
// to the lab origin, and read back what the lab received. The result is
// plain data; the page compares it with the engine's prediction.
window.corsplayLabRun = async function (url, initJSON, runsURL) {
  const out = {};
  try {
    const r = await fetch(url, JSON.parse(initJSON));
    out.state = "resolved";
    out.type = r.type;
    out.status = r.status;
    out.headers = [];
    for (const [name] of r.headers) out.headers.push(name);
  } catch (e) {
    out.state = "rejected";
    out.message = String((e && e.message) || e);
  }
  try {
    const rr = await fetch(runsURL, { mode: "cors", credentials: "omit", cache: "no-store" });
    out.received = await rr.json();
  } catch (e) {
    out.receivedError = String((e && e.message) || e);
  }
  out.userAgent = navigator.userAgent;
  return out;
};
