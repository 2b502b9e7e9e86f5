// Command rockit-schema prints the provider's schemas in the format of `terraform providers
// schema -json`, taken from the provider server itself, identity, list resources and actions
// included. `make generate` and the docs check pass it to tfplugindocs (--providers-schema).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
	"github.com/rockitplay/terraform-provider-rockit/internal/schemajson"
)

func main() {
	server, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err == nil {
		var out []byte
		if out, err = schemajson.Generate(context.Background(), server, "rockit"); err == nil {
			_, err = os.Stdout.Write(append(out, '\n'))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rockit-schema:", err)
		os.Exit(1)
	}
}
