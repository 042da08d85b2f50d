package engine

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestPermalinkRoundTrip(t *testing.T) {
	body := `{"a":1}`
	for _, s := range []Scenario{
		policyScenario(Policy{Origins: []string{appOrigin, `re:^https://(a|b)\.example\.org$`}, Credentials: true, MaxAge: new(int64(600))}, "PUT", Headers{{Name: "Content-Type", Value: "application/json"}}, CredentialsInclude),
		{V: Version, Browser: Spec, Title: "t", Lesson: "l", Page: "null", Request: Request{URL: apiURL, Method: "POST", Body: &body, Repeat: []float64{0, 3}}, Server: Server{Raw: &RawServer{Actual: &Response{Status: 200, Headers: Headers{{Name: "X", Value: ""}}}}}},
	} {
		frag, err := EncodePermalink(s)
		if err != nil {
			t.Fatal(err)
		}
		if payload, ok := strings.CutPrefix(frag, PermalinkPrefix); !ok || strings.ContainsAny(payload, "+/=#&?% ") {
			t.Errorf("fragment %q is not prefix + base64url", frag)
		}
		got, err := DecodePermalink("#" + frag)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, s) {
			t.Errorf("round trip\n got  %+v\n want %+v", got, s)
		}
	}
}

// TestPermalinkIsStable: a scenario always gets the same link, whatever was
// encoded before it or at the same time (the writers are reused).
func TestPermalinkIsStable(t *testing.T) {
	origins := []string{appOrigin}
	for i := range 40 {
		origins = append(origins, fmt.Sprintf("https://a%d.example.org", i))
	}
	cases := []struct {
		name string
		s    Scenario
		want string
	}{
		{"small", Scenario{V: Version, Page: appOrigin, Request: Request{URL: apiURL}}, ""},
		{"big", policyScenario(Policy{Origins: origins}, "PUT", Headers{{Name: "X-Long", Value: strings.Repeat("v", 1000)}}, CredentialsInclude), ""},
	}
	for i := range cases {
		frag, err := EncodePermalink(cases[i].s)
		if err != nil {
			t.Fatal(err)
		}
		cases[i].want = frag
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				c := cases[(i+j)%2]
				if got, _ := EncodePermalink(c.s); got != c.want {
					t.Errorf("the %s scenario, encoded again, gave another link:\n got  %.80s…\n want %.80s…", c.name, got, c.want)
				}
			}
		})
	}
	wg.Wait()
	for _, c := range cases {
		if got, err := DecodePermalink(c.want); err != nil || !reflect.DeepEqual(got, c.s) {
			t.Errorf("DecodePermalink(the %s link): error %v, or not the %s scenario", c.name, err, c.name)
		}
	}
}

var badPermalinks = []struct{ name, fragment, field, problem string }{
	{"empty", "", "permalink", "not a corsplay link"},
	{"other fragment", "#section-2", "permalink", "not a corsplay link"},
	{"script", "#s1=<script>alert(1)</script>", "permalink", "damaged"},
	{"javascript url", "#s1=javascript:alert(1)", "permalink", "damaged"},
	{"not deflate", "#s1=" + "aGVsbG8", "permalink", "damaged"},
	{"huge", "#s1=" + strings.Repeat("A", MaxPermalinkBytes), "permalink", "long"},
}

func TestDecodePermalinkRefuses(t *testing.T) {
	for _, tt := range badPermalinks {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodePermalink(tt.fragment)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Problem, tt.problem) {
				t.Errorf("DecodePermalink(%.40q) = %v, want a %s error mentioning %q", tt.fragment, err, tt.field, tt.problem)
			}
		})
	}
	// A valid encoding of an invalid scenario names the scenario's field.
	frag, _ := EncodePermalink(Scenario{V: Version, Page: "https://app.example.com/", Request: Request{URL: apiURL}})
	_, err := DecodePermalink(frag)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "page" {
		t.Errorf("invalid scenario in a link: %v, want a page error", err)
	}
}

// FuzzPermalink: any fragment decodes to a valid scenario or a FieldError,
// never a panic, and a decoded scenario encodes back to an equal one.
func FuzzPermalink(f *testing.F) {
	good, _ := EncodePermalink(policyScenario(Policy{AnyOrigin: AnyOriginReflect}, "GET", nil, ""))
	for _, seed := range []string{good, "", "#s1=", "s1=AAAA", "#s1=<img src=x onerror=alert(1)>", "s2=abc"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, fragment string) {
		s, err := DecodePermalink(fragment)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v is not a FieldError", err, err)
			}
			return
		}
		again, err := EncodePermalink(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodePermalink(again)
		if err != nil || !reflect.DeepEqual(back, s) {
			t.Fatalf("re-encoding changed the scenario: %v", err)
		}
	})
}
