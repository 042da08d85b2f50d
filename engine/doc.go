// Package engine decides what a browser does with a cross-origin fetch():
// whether the request may be made, whether a CORS-preflight is sent and what
// it carries, whether the preflight and the actual response pass the CORS
// check, which response headers script can read, and the exact console text
// Chromium prints when it blocks the request.
//
// The input is a [Scenario] (the page's origin, the fetch() request and what
// the server answers); [Evaluate] turns it into an [Outcome] made of the
// messages on the wire, the verdict and a list of [Step]s, each explained and
// linked to the section of the Fetch standard it implements
// (https://fetch.spec.whatwg.org/).
//
// Two browser profiles exist: "chrome" follows what current Chromium does
// (proven against headless Chromium by the repository's differential test);
// "spec" follows the Fetch standard to the letter. Where they disagree for a
// scenario, the step says so.
//
// The package uses the standard library only, so it runs natively, in the
// page as WebAssembly, and in the CLI alike.
package engine
