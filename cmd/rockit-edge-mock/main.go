// Command rockit-edge-mock serves the mock ROCKIT Edge Backend API on a local address, for
// trying the provider without a real Edge host.
//
//	go run ./cmd/rockit-edge-mock -addr 127.0.0.1:0 -admin-token TOKEN
//
// The first line on stdout is the URL it listens on; it runs until interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rockit-edge-mock:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends (main: an interrupt or SIGTERM), writing the URL to stdout first.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rockit-edge-mock", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	adminToken := fs.String("admin-token", os.Getenv("ROCKIT_ADMIN_TOKEN"), "Edge administrator token accepted on /be/v1/orgs (default $ROCKIT_ADMIN_TOKEN)")
	authScheme := fs.String("auth-scheme", mockserver.AuthScheme2025, "authentication generation: 2025 (session and auth token) or 2026 (access and refresh token, Authorization: Bearer)")
	authTTL := fs.Duration("auth-token-ttl", 5*time.Minute, "lifetime of auth tokens (2026: access tokens)")
	sessionTTL := fs.Duration("session-ttl", 24*time.Hour, "lifetime of session tokens (2026: refresh tokens)")
	failRate := fs.Float64("fail-rate", 0, "share of requests answered 500, 502 or 503 (0 to 1)")
	latency := fs.Duration("latency", 0, "latency added to every request")
	rateLimit := fs.Float64("rate-limit", 0, "requests per second accepted; beyond it 429 with Retry-After (0 = unlimited)")
	rateBurst := fs.Int("rate-burst", 0, "requests accepted at once under -rate-limit (0 = one second's worth)")
	loseResponses := fs.Float64("lose-responses", 0, "share of successful POSTs and PATCHes whose answer is dropped after the server acted (0 to 1)")
	orgInvitations := fs.Bool("org-invitations", false, "invitation generation: an organization's create answers no initial password; the first "+
		"administrator is invited by e-mail and cannot log in until the invitation is accepted: "+
		"curl -X POST <url>/_mock/orgs/<name>/accept-invitation answers the password the administrator set")
	clockSkew := fs.Duration("clock-skew", 0, "shift the server's clock (negative allowed, e.g. -5s or 10m): every timestamp it writes and its Date header")
	listsOmitOptional := fs.Bool("lists-omit-optional", false, "list items leave out created, updated, a user's title and a deployment's downloadAuth (single reads keep them)")
	noTotal := fs.Bool("no-total", false, "list answers carry no total (clients page until an empty page)")
	seed := fs.Int64("seed", 0, "seed of the fault injection, for repeatable runs (0 = random)")
	verbose := fs.Bool("v", false, "log every request (method, path and query, status) to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *adminToken == "" {
		return errors.New("-admin-token (or ROCKIT_ADMIN_TOKEN) is required")
	}
	for name, v := range map[string]float64{"-fail-rate": *failRate, "-lose-responses": *loseResponses} {
		if v < 0 || v > 1 {
			return fmt.Errorf("%s must be between 0 and 1, got %v", name, v)
		}
	}
	if *authScheme != mockserver.AuthScheme2025 && *authScheme != mockserver.AuthScheme2026 {
		return fmt.Errorf("-auth-scheme must be 2025 or 2026, got %q", *authScheme)
	}
	if *rateLimit < 0 || *latency < 0 || *rateBurst < 0 {
		return errors.New("-rate-limit, -rate-burst and -latency must not be negative")
	}

	srv := mockserver.New(mockserver.Options{
		AdminToken:     *adminToken,
		AuthScheme:     *authScheme,
		AuthTokenTTL:   *authTTL,
		SessionTTL:     *sessionTTL,
		OrgInvitations: *orgInvitations,
		ClockSkew:      *clockSkew,

		ListsOmitOptional: *listsOmitOptional,
		NoTotal:           *noTotal,

		FailRate:      *failRate,
		Latency:       *latency,
		RateLimit:     *rateLimit,
		RateBurst:     *rateBurst,
		LoseResponses: *loseResponses,
		Seed:          *seed,
	})
	var handler http.Handler = srv
	if *verbose {
		logger := log.New(os.Stderr, "rockit-edge-mock: ", log.LstdFlags)
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			srv.ServeHTTP(rec, r)
			logger.Printf("%s %s -> %d", r.Method, r.URL.RequestURI(), rec.status)
		})
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(stdout, "http://%s\n", ln.Addr().String())

	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ConnState: srv.ConnState}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(shutdownCtx)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
