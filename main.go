// Command terraform-provider-rockit is the Terraform provider for ROCKITPLAY's ROCKIT Edge.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
)

// version is set by the release build (goreleaser: -X main.version={{.Version}}).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		quietWhenTerraformDiscards()
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/rockitplay/rockit",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietWhenTerraformDiscards turns the provider's and the plugin SDK's logs off when Terraform
// will throw them away anyway. Terraform passes its environment to the providers it starts and
// keeps their log lines only when TF_LOG or TF_LOG_PROVIDER is set; otherwise every line the
// framework writes (at trace level by default: several per attribute, validator and plan
// modifier of every resource) is encoded here and decoded by Terraform for nothing. That was
// about 35% of the provider's CPU time in a plan (issue 6, BENCHMARKS.md). Any level set
// explicitly is kept.
func quietWhenTerraformDiscards() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, env := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_ROCKIT"} {
		if _, set := os.LookupEnv(env); !set {
			_ = os.Setenv(env, "off")
		}
	}
}
