package rackcors

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/server"
)

// rack-cors's part of the fixes: the allow blocks of the Rack::Cors DSL, as
// a Rails app inserts it (config.middleware.insert_before 0, Rack::Cors do …
// end). The options are nested, so each edit reads "allow" into its form,
// changes the blocks and resources in place, and sets "allow" again. Which
// resource answers depends on the request's path (server.Need.Path): the
// edits go to that resource, as rack-cors picks it; when none answers the
// path, to each resource that lacks what the request needs in the first
// allow block that lets the page's origin in (one that lists it before one
// with '*'), and the engine, finding the request still blocked, offers no
// fix.

var fixer = &server.Fixer{
	Language: "ruby", Options: []string{"debug", "allow"},
	Origin: fixOrigin, Credentials: fixCredentials, Method: fixMethod, Headers: fixHeaders,
	Call: call,
}

// call prints the middleware as a Rails app inserts it, with Export's
// printer.
func call(opts []server.Opt) string {
	m := map[string]json.RawMessage{}
	for _, o := range opts {
		m[o.Name] = o.Raw
	}
	f, err := readForm(m)
	if err != nil {
		return "# " + err.Error()
	}
	head := "config.middleware.insert_before 0, Rack::Cors"
	if d, ok := f.top["debug"].(bool); ok {
		head += ", debug: " + strconv.FormatBool(d)
	}
	return dsl(f, head)
}

// read is the configuration under repair: its form (nil when the JSON form
// is wrong), and the middleware it builds (nil when rack-cors raises).
func read(e *server.Edit) (*form, *cors) {
	f, err := readForm(e.M)
	if err != nil {
		return nil, nil
	}
	c, _ := parse(e.M)
	return f, c
}

// save stores the form's blocks, changed in place, as "allow".
func save(e *server.Edit, f *form) { e.Set("allow", f.top["allow"]) }

// target is the allow block whose resources answer the page's origin: the
// first with resources that lists it, else the first with '*'; -1 if none.
func target(c *cors, page string) int {
	at := -1
	for i, b := range c.blocks {
		if ok, _ := b.allowOrigin(page, nil); ok && len(b.resources) > 0 {
			if !b.public {
				return i
			}
			if at < 0 {
				at = i
			}
		}
	}
	return at
}

// narrow writes the page's origin in place of '*' in the block's origins;
// answered says rack-cors answered every origin until now.
func narrow(e *server.Edit, f *form, i int, page string, answered bool, why string) {
	list, _ := strs(f.blocks[i]["origins"])
	out := []string{}
	for _, o := range list {
		if o != "*" && o != page {
			out = append(out, o)
		}
	}
	f.blocks[i]["origins"] = origins(append(out, page))
	save(e, f)
	e.Narrowed = e.Narrowed || answered
	e.Note("the origin "+page, "", why)
}

// origins is a list of one as the string rack-cors takes.
func origins(list []string) any {
	if len(list) == 1 {
		return list[0]
	}
	return list
}

func fixOrigin(e *server.Edit, n server.Need) {
	f, _ := read(e)
	if f == nil {
		return
	}
	for i, b := range f.blocks {
		list, _ := strs(b["origins"])
		creds := false
		for _, r := range f.resources[i] {
			creds = creds || r["credentials"] == true
		}
		if contains(list, "*") && creds {
			first, _, _ := strings.Cut(misconfig, " Please")
			narrow(e, f, i, n.Page, false, "origins '*' with a resource's credentials: true makes rack-cors raise CorsMisconfigurationError (\""+first+"\") while the block runs: the app does not start. List the page's origin instead of '*'.")
		}
	}
	f, c := read(e)
	if c == nil {
		return
	}
	if i := target(c, n.Page); i >= 0 {
		if c.blocks[i].public && n.Credentials {
			narrow(e, f, i, n.Page, true, "origins '*' makes rack-cors answer every origin with Access-Control-Allow-Origin: *, which browsers refuse on a request with cookies (and rack-cors refuses credentials: true beside '*'). List the page's origin instead.")
		}
		return
	}
	i := -1
	for j, b := range c.blocks {
		if len(b.resources) > 0 {
			i = j
			break
		}
	}
	if i < 0 {
		f.top["allow"] = append(list(f.top["allow"]), map[string]any{"origins": n.Page, "resources": []any{map[string]any{"path": "*"}}})
		save(e, f)
		e.Note("the origin "+n.Page, "", "No allow block has a resource, so rack-cors adds CORS headers to no answer and answers every preflight 200 with no header at all. An allow block lets the page's origin in, with a resource for every path ('*').")
		return
	}
	v, set := f.blocks[i]["origins"]
	list, _ := strs(v)
	why := "origins does not include " + n.Page + ": rack-cors answers its requests without Access-Control-Allow-Origin, and its preflights 200 with no header at all."
	if !set {
		why = "The allow block calls no origins, so rack-cors lets no origin in: it answers the page's requests without Access-Control-Allow-Origin, and its preflights 200 with no header at all."
	}
	out := []string{}
	for _, o := range list {
		if strings.EqualFold(strings.TrimSuffix(o, "/"), n.Page) {
			why = "origins lists '" + o + "', but rack-cors compares an http(s) origin exactly and the browser sends Origin: " + n.Page + ": its requests get no Access-Control-Allow-Origin, its preflights 200 with no header at all. Write the origin as the browser sends it."
			continue
		}
		out = append(out, o)
	}
	if _, isString := v.(string); isString || len(list) == 0 {
		f.blocks[i]["origins"] = origins(append(out, n.Page))
	} else {
		f.blocks[i]["origins"] = append(out, n.Page)
	}
	save(e, f)
	e.Note("the origin "+n.Page, "", why)
}

// resources are the resources to repair, parsed and as the form holds
// them, and their block: the one resource that answers the request's path
// (rack-cors takes the first block that lets the origin in and, in it, the
// first resource whose path matches), else each of the target block's; nil
// when the page's origin has no block.
func resources(e *server.Edit, n server.Need) (*form, *block, []*resource, []map[string]any) {
	f, c := read(e)
	if c == nil {
		return nil, nil, nil, nil
	}
	if path, ok := evaluatePath(n.Path); ok && n.Path != "" {
		for i, b := range c.blocks {
			if ok, _ := b.allowOrigin(n.Page, nil); !ok {
				continue
			}
			for j, r := range b.resources {
				if ok, _ := r.path.match(path, nil); ok {
					return f, b, []*resource{r}, []map[string]any{f.resources[i][j]}
				}
			}
		}
	}
	i := target(c, n.Page)
	if i < 0 {
		return nil, nil, nil, nil
	}
	return f, c.blocks[i], c.blocks[i].resources, f.resources[i]
}

// note records a step's change to k of the block's resources, with the
// why of the first.
func note(e *server.Edit, f *form, k int, allow, why string) {
	if k == 0 {
		return
	}
	if k > 1 {
		why += " Each of the allow block's resources that lacks it gets it: which one answers depends on the request's path."
	}
	save(e, f)
	e.Note(allow, "", why)
}

func fixCredentials(e *server.Edit, n server.Need) {
	f, b, res, rs := resources(e, n)
	if b == nil || b.public {
		return
	}
	k := 0
	for j, r := range res {
		if !r.credentials {
			rs[j]["credentials"] = true
			k++
		}
	}
	note(e, f, k, "credentials (cookies)", `fetch() sends cookies (credentials: "include"): rack-cors sends Access-Control-Allow-Credentials: true only for a resource declared with credentials: true.`)
}

func fixMethod(e *server.Edit, n server.Need) {
	f, b, res, rs := resources(e, n)
	if b == nil || !n.Preflight {
		return // rack-cors checks the method of preflights only
	}
	m := strings.ToLower(n.Method)
	sym := ":" + m
	if !plainSymbol.MatchString(m) {
		sym = ":" + rubyString(m)
	}
	k, first := 0, ""
	for j, r := range res {
		if contains(r.methods, m) {
			continue
		}
		v, set := rs[j]["methods"]
		list, _ := strs(v)
		why := "methods does not include " + sym + ": rack-cors answers the " + n.Method + " preflight 200 with no header at all, so Chrome reports a missing Access-Control-Allow-Origin."
		switch {
		case !set:
			list = []string{"get"}
			why = "methods is not set, so rack-cors allows only its default :get in a preflight, and answers the " + n.Method + " preflight 200 with no header at all: :get is written out, with " + sym + "."
		case v == "any":
			list = r.methods
			why = "methods: :any means get, head, post, put, patch, delete and options to rack-cors, which answers the " + n.Method + " preflight 200 with no header at all: they are written out, with " + sym + "."
		}
		out := append([]string{}, list...)
		if x := slices.IndexFunc(list, func(x string) bool { return strings.ToLower(x) == m }); x >= 0 {
			why = "methods lists :" + list[x] + ", but rack-cors compares the methods as written with the lower-cased request method (" + m + "), so :" + list[x] + " never matches and the preflight gets 200 with no header at all. Write " + sym + "."
			out[x] = m
		} else {
			out = append(out, m)
		}
		rs[j]["methods"] = out
		if k++; k == 1 {
			first = why
		}
	}
	note(e, f, k, "the method "+n.Method, first)
}

func fixHeaders(e *server.Edit, n server.Need) {
	f, b, res, rs := resources(e, n)
	if b == nil {
		return
	}
	k, first, all := 0, "", []string{}
	for j, r := range res {
		var missing []string
		for _, h := range n.Headers {
			if !r.allowHeaders(h) && !server.ContainsFold(missing, h) {
				missing = append(missing, h)
			}
		}
		if len(missing) == 0 {
			continue
		}
		names := server.AndList(missing)
		v, set := rs[j]["headers"]
		list, _ := strs(v)
		why := "headers does not include " + names + ": rack-cors answers the whole preflight 200 with no header at all, so Chrome reports a missing Access-Control-Allow-Origin."
		if !set {
			why = "headers is not set, so rack-cors allows only Accept, Accept-Language, Content-Language and Content-Type in a preflight, and answers one that asks for " + names + " with 200 and no header at all."
		}
		rs[j]["headers"] = append(list, missing...)
		if k++; k == 1 {
			first = why
		}
		for _, h := range missing {
			if !server.ContainsFold(all, h) {
				all = append(all, h)
			}
		}
	}
	allow := "the request header " + server.AndList(all)
	if len(all) > 1 {
		allow = "the request headers " + server.AndList(all)
	}
	note(e, f, k, allow, first)
}
