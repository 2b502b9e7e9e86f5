// Command rockit-docs-schema prints the provider's schemas as `terraform providers schema -json`
// would with a Terraform that knows every feature the provider uses; `make generate` passes
// the output to tfplugindocs (see internal/docschema).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/rockitplay/terraform-provider-rockit/internal/docschema"
	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "rockit-docs-schema:", err)
		os.Exit(1)
	}
}

func run() error {
	srv, err := providerserver.NewProtocol6WithError(provider.New("docs")())()
	if err != nil {
		return err
	}
	schemas, err := docschema.FromServer(context.Background(), srv, "rockit")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	return enc.Encode(schemas)
}
