package engine

// Lint reports what is broken or dangerous in the scenario's server policy,
// most severe first. It is empty unless the server is a policy.
func Lint(s Scenario) []Finding {
	p := s.Server.Policy
	if p == nil {
		return nil
	}
	c, err := p.compile()
	if err != nil {
		return nil
	}
	l := &linter{s: s.withDefaults(), p: c}
	for _, rule := range lintRules {
		rule(l)
	}
	sortFindings(l.out)
	return l.out
}

// linter carries one Lint call.
type linter struct {
	s   Scenario
	p   *compiledPolicy
	out []Finding
}

func (l *linter) add(f Finding) { l.out = append(l.out, f) }

// lintRules run in catalogue order.
var lintRules = []func(*linter){
	lintWildcardWithCredentials,
	lintReflect,
}

var severityRank = map[string]int{SeverityError: 0, SeverityDanger: 1, SeverityWarning: 2, SeverityInfo: 3}

func sortFindings(fs []Finding) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && severityRank[fs[j].Severity] < severityRank[fs[j-1].Severity]; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// ORIGIN-001: * cannot be used with credentials.
// https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
func lintWildcardWithCredentials(l *linter) {
	if l.p.AnyOrigin != AnyOriginWildcard || !l.p.Credentials {
		return
	}
	l.add(Finding{ID: "ORIGIN-001", Severity: SeverityError, Title: "Wildcard origin with credentials",
		Detail: "Access-Control-Allow-Origin: * means \"anyone may read this, as long as no cookies or HTTP authentication were sent\". A request with credentials: \"include\" gets a * answer rejected, so every credentialed request fails; the combination protects nothing and breaks the app.",
		Fix:    "List the exact origins that need cookies in origins (and keep credentials), or turn credentials off if the data is public. Do not reflect the Origin instead: that is worse."})
}

// ORIGIN-002 and ORIGIN-003: echoing any Origin.
func lintReflect(l *linter) {
	if l.p.AnyOrigin != AnyOriginReflect {
		return
	}
	if l.p.Credentials {
		l.add(Finding{ID: "ORIGIN-002", Severity: SeverityDanger, Title: "Any origin is reflected, with credentials",
			Detail: "The server copies whatever Origin calls it into Access-Control-Allow-Origin and also allows credentials. So any web page a logged-in user visits can call this API with the user's cookies and read the answer: profile data, CSRF tokens, API keys. Your own frontend works too, which is why this passes every functional test.",
			Fix:    "Replace reflect with an explicit list of trusted origins. If the data is public, answer * without credentials."})
		return
	}
	l.add(Finding{ID: "ORIGIN-003", Severity: SeverityWarning, Title: "Any origin is reflected",
		Detail: "Echoing every origin grants exactly what * grants, but hides it; it needs Vary: Origin to be cache-safe, and it becomes a critical hole the day someone turns credentials on.",
		Fix:    "Answer * (anyOrigin: \"wildcard\") if any site may read, or list the origins."})
}
