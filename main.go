// Command terraform-provider-rockit is the Terraform provider for ROCKITPLAY's ROCKIT Edge.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/rockitplay/terraform-provider-rockit/internal/client"
	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
)

// version is set by the release build (goreleaser: -X main.version={{.Version}}).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()
	gcLessOftenUnlessSet()
	if !debug {
		quietWhenTerraformDiscards()
		if os.Getenv("TF_PLUGIN_MAGIC_COOKIE") != "" { // started by Terraform as its plugin
			// A log line written after Terraform died (TF_LOG_PROVIDER) must not end the plugin
			// with SIGPIPE before its writes in flight are answered: with SIGPIPE notified, a
			// write to the broken stderr fails with EPIPE instead.
			signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
			go exitWhenOrphaned(os.Getppid())
		}
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

// Orphaned plugins: a Terraform killed with SIGKILL cannot stop its plugins, and nothing else
// ends a plugin server, so it would wait for a Terraform that never calls again (seen: more than
// 5 minutes). The operations in flight end with their gRPC contexts; the writes they have sent
// (detached from those contexts, see the client's FollowUp and attempt) run to their answers,
// bounded by request_timeout.
const (
	// orphanPoll is how often the plugin checks whether the Terraform that started it is alive.
	orphanPoll = 500 * time.Millisecond
	// orphanWriteBound bounds the wait for the writes in flight, in case one never returns:
	// longer than any request_timeout a user would set.
	orphanWriteBound = 5 * time.Minute
)

// exitWhenOrphaned exits the process once its parent, the Terraform process, is gone (the
// process is re-parented, so its parent process id changes), after the writes in flight have
// finished. Only a plugin started by Terraform runs it: not -debug, not the in-process tests.
// It writes nothing: the plugin's stderr led to the dead Terraform, and a write to a broken
// stderr ends a Go program at once (SIGPIPE), writes in flight or not.
func exitWhenOrphaned(parent int) {
	for os.Getppid() == parent {
		time.Sleep(orphanPoll)
	}
	ctx, cancel := context.WithTimeout(context.Background(), orphanWriteBound)
	client.WaitForWrites(ctx, 50*time.Millisecond)
	cancel()
	os.Exit(0)
}
