package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/rockitplay/terraform-provider-rockit/internal/provider"
)

// Profile runs one cycle of ours at n objects with the provider served inside this process in
// debug (reattach) mode, so that runtime/pprof sees it: a CPU profile and a heap profile per
// phase go to dir. Terraform attaches to the one provider server for every command instead of
// starting a process per walk, so times differ a little from Run; the profile shows where the
// provider's own CPU goes. The mock runs as a binary, as in Run.
func Profile(ctx context.Context, o Options, n int, latency time.Duration, dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	bins, err := build(ctx, o)
	if err != nil {
		return err
	}
	cliConfig := filepath.Join(o.Work, "terraformrc")
	if err := writeCLIConfig(cliConfig, bins.pluginDir); err != nil {
		return err
	}
	m, err := startMock(ctx, bins.mock, latency, 0, os.Stderr)
	if err != nil {
		return err
	}
	defer m.stop()

	// As main.go does when Terraform discards provider logs.
	if os.Getenv("TF_LOG") == "" && os.Getenv("TF_LOG_PROVIDER") == "" {
		for _, env := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_ROCKIT"} {
			if _, set := os.LookupEnv(env); !set {
				_ = os.Setenv(env, "off")
			}
		}
	}
	srvCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	reattachCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	go func() {
		err := tf6server.Serve("registry.terraform.io/rockitplay/rockit",
			providerserver.NewProtocol6(provider.New("bench")()),
			tf6server.WithDebug(srvCtx, reattachCh, closeCh), tf6server.WithoutLogStderrOverride())
		if err != nil {
			_, _ = fmt.Fprintln(o.Log, "provider server:", err)
		}
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattachCh:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("the in-process provider did not start")
	}
	reattach := tfexec.ReattachInfo{"registry.terraform.io/rockitplay/rockit": tfexec.ReattachConfig{
		Protocol: string(rc.Protocol), ProtocolVersion: rc.ProtocolVersion, Pid: rc.Pid, Test: true,
		Addr: tfexec.ReattachConfigAddr{Network: rc.Addr.Network(), String: rc.Addr.String()},
	}}

	c := cycle{o: o, env: terraformEnv(cliConfig), target: TargetRockit, n: n, repeat: 1, kinds: chooseMix(ctx, o.Types), mock: m}
	runDir := filepath.Join(o.Work, "runs", fmt.Sprintf("profile-%d", n))
	if err := os.RemoveAll(runDir); err != nil {
		return err
	}
	if err := os.MkdirAll(runDir, 0o750); err != nil {
		return err
	}
	tf, err := tfexec.NewTerraform(runDir, o.Terraform)
	if err != nil {
		return err
	}
	if err := tf.SetEnv(c.env); err != nil {
		return err
	}
	write := func(version int) error {
		return os.WriteFile(filepath.Join(runDir, "main.tf"), []byte(configFor(TargetRockit, n, version, c.kinds, m)), 0o600)
	}
	if err := write(0); err != nil {
		return err
	}
	p := tfexec.Parallelism(o.Parallelism)
	for _, phase := range Phases {
		if phase == "update" {
			if err := write(1); err != nil {
				return err
			}
		}
		f, err := os.Create(filepath.Join(dir, "cpu-"+phase+".pprof"))
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		start := time.Now()
		switch phase {
		case "create", "update":
			err = tf.Apply(ctx, p, tfexec.Reattach(reattach))
		case "refresh":
			_, err = tf.Plan(ctx, p, tfexec.Reattach(reattach))
		case "destroy":
			err = tf.Destroy(ctx, p, tfexec.Reattach(reattach))
		}
		pprof.StopCPUProfile()
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("profile %s: %w", phase, err)
		}
		_, _ = fmt.Fprintf(o.Log, "profile %-8s N=%d %.2fs\n", phase, n, time.Since(start).Seconds())
		runtime.GC()
		hf, err := os.Create(filepath.Join(dir, "heap-"+phase+".pprof"))
		if err != nil {
			return err
		}
		if err := pprof.Lookup("allocs").WriteTo(hf, 0); err != nil {
			_ = hf.Close()
			return err
		}
		if err := hf.Close(); err != nil {
			return err
		}
	}
	cancel()
	select {
	case <-closeCh:
	case <-time.After(5 * time.Second):
	}
	return nil
}
