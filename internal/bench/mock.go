package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/rockitplay/terraform-provider-rockit/internal/mockserver"
)

// benchAdminToken is the administrator token of the benchmark's mock.
const benchAdminToken = "bench-admin-token"

// benchOrg is the organization every benchmark object lives in.
const benchOrg = "Bench_Org"

// mock is a running rockit-edge-mock binary.
type mock struct {
	cmd     *exec.Cmd
	URL     string
	Latency time.Duration
	// RateLimit is the requests per second the mock accepts (429 beyond), 0 = unlimited.
	RateLimit float64
	// Password of the organization's administrator, seeded at start.
	Password string
	http     *http.Client
}

// startMock starts the mock binary on a free loopback port with the given latency and rate
// limit (0 = none), creates the benchmark organization through the Backend API, and clears the
// request log.
func startMock(ctx context.Context, bin string, latency time.Duration, rateLimit float64, logFile io.Writer) (*mock, error) {
	args := []string{"-addr", "127.0.0.1:0", "-admin-token", benchAdminToken}
	if latency > 0 {
		args = append(args, "-latency", latency.String())
	}
	if rateLimit > 0 {
		args = append(args, "-rate-limit", strconv.FormatFloat(rateLimit, 'g', -1, 64))
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("mock did not print its URL (does it have the -latency flag?): %w", err)
	}
	// The harness's own calls must not count as the provider's connections: one connection
	// per call, no keep-alive, and every stats reading subtracts its own connection.
	m := &mock{
		cmd: cmd, URL: strings.TrimSpace(line), Latency: latency, RateLimit: rateLimit,
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
	}
	var created struct {
		InitialPassword string `json:"initialPassword"`
	}
	body := fmt.Sprintf(`{"name":%q}`, benchOrg)
	if err := m.call(http.MethodPost, "/be/v1/orgs", body, &created); err != nil {
		m.stop()
		return nil, fmt.Errorf("creating the benchmark organization: %w", err)
	}
	m.Password = created.InitialPassword
	if err := m.reset(); err != nil {
		m.stop()
		return nil, err
	}
	return m, nil
}

// call sends one request with the admin token and decodes the answer's data into out.
func (m *mock) call(method, path, body string, out any) error {
	var rdr io.Reader
	if body != "" {
		rdr = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, m.URL+path, rdr)
	if err != nil {
		return err
	}
	req.Header.Set("x-rockit-beauth-token", benchAdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.http.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out == nil {
		return nil
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return err
	}
	return json.Unmarshal(env.Data, out)
}

// reset clears the request log and the connection counter.
func (m *mock) reset() error {
	if err := m.call(http.MethodDelete, "/_mock/requests", "", nil); err != nil {
		return err
	}
	return m.call(http.MethodDelete, "/_mock/stats", "", nil)
}

// collect returns the requests and the new connections since the last reset, then resets.
func (m *mock) collect() ([]mockserver.RequestRecord, int64, error) {
	var reqs []mockserver.RequestRecord
	if err := m.call(http.MethodGet, "/_mock/requests", "", &reqs); err != nil {
		return nil, 0, err
	}
	var st mockserver.Stats
	if err := m.call(http.MethodGet, "/_mock/stats", "", &st); err != nil {
		return nil, 0, err
	}
	// The reset's DELETE /_mock/stats came after its own connection was counted, so only the
	// two readings above (requests, stats) are ours.
	conns := st.Connections - 2
	if conns < 0 {
		conns = 0
	}
	return reqs, conns, m.reset()
}

func (m *mock) stop() {
	if m.cmd.Process != nil {
		_ = m.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = m.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = m.cmd.Process.Kill()
			<-done
		}
	}
}
