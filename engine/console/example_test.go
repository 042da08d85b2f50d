package console_test

import (
	"fmt"

	"corsplay/engine/console"
)

func ExampleChromeCORS() {
	fmt.Println(console.ChromeCORS(console.Failure{Kind: console.Preflight + console.MissingAllowOriginHeader, URL: "https://api.example.com/items", Origin: "https://app.example.com"}))
	fmt.Println(console.ChromeCORS(console.Failure{Kind: console.MethodDisallowedByPreflightResponse, URL: "https://api.example.com/items", Origin: "https://app.example.com", Hint: "patch"}))
	// Output:
	// Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
	// Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Method patch is not allowed by Access-Control-Allow-Methods in preflight response.
}
