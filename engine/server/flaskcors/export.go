package flaskcors

import (
	"encoding/json"
	"slices"
	"strings"

	"corsplay/engine/server"
	"corsplay/engine/server/flaskcors/flaskfix"
)

// export writes the Flask app the emulation answers for: CORS(app, …) as
// the fixes print it (flaskfix.Fixer.Call: the options as the Python
// literals json.loads reads them as, in the fixes' order), routes "/" and
// "/<path:path>" answering "ok" to GET, POST, PUT, PATCH and DELETE (every
// path: the route Export is asked for among them), listening on $PORT
// (default 8080).
func (v *version) export(opts map[string]json.RawMessage, _ string) (string, error) {
	var call []server.Opt // in the fixes' order: the options, then the others sorted
	for _, k := range flaskfix.Fixer.Options {
		if raw, ok := opts[k]; ok {
			call = append(call, server.Opt{Name: k, Raw: raw})
		}
	}
	var rest []string
	for k := range opts {
		if !slices.Contains(flaskfix.Fixer.Options, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		call = append(call, server.Opt{Name: k, Raw: opts[k]})
	}
	var b strings.Builder
	b.WriteString("# Flask-CORS " + v.number + ": pip install 'flask-cors==" + v.number + "' flask\nimport os\n\nfrom flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n")
	b.WriteString(flaskfix.Fixer.Call(call))
	b.WriteString(`

METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']


@app.route('/', defaults={'path': ''}, methods=METHODS)
@app.route('/<path:path>', methods=METHODS)
def r(path):
    return 'ok'


if __name__ == '__main__':
    app.run(host='localhost', port=int(os.environ.get('PORT', '8080')))
`)
	return b.String(), nil
}
