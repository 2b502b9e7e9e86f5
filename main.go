// Command terraform-provider-rockit is the Terraform provider for ROCKITPLAY's ROCKIT Edge.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
)

// version is set by the release build (goreleaser: -X main.version={{.Version}}).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/rockitplay/rockit",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
