// Command pulumi-language-python is a small Python language host for the Pulumi engine.
//
// The official host lives in a nested Go module that the module proxy does not serve, so the
// project builds this one instead. It speaks the engine's LanguageRuntime gRPC protocol
// (sdk/v3, same version as the CLI) and does what the official host does for this project:
// it runs programs through the SDK's `pulumi-language-python-exec` script and policy packs
// through RunPlugin, with the interpreter of the `virtualenv` runtime option.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set at build time to the engine version this host was built with.
var version = "0.0.0-dev"

// userActionableExitCode is the exec script's signal that it already showed the error.
const userActionableExitCode = 32

const execScriptName = "pulumi-language-python-exec"

func main() {
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.String("root", "", "ignored: the engine sends the root in ProgramInfo")
	flag.String("virtualenv", "", "ignored: the engine sends runtime options in ProgramInfo")
	flag.Parse()

	engineAddress := ""
	if flag.NArg() > 0 {
		engineAddress = flag.Arg(0)
	}
	self, err := os.Executable()
	if err != nil {
		cmdutil.Exit(fmt.Errorf("locating this executable: %w", err))
	}
	execScript := filepath.Join(filepath.Dir(self), execScriptName)
	if _, err := os.Stat(execScript); err != nil {
		cmdutil.Exit(fmt.Errorf("missing %s next to the language host: %w", execScriptName, err))
	}

	exitOnInterrupt()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if engineAddress != "" {
		// Every second, not every 5 minutes: when the engine dies (SIGKILL), this host and the
		// processes it started (killed with it, see orphanProof) end within seconds.
		if err := rpcutil.Healthcheck(ctx, engineAddress, time.Second, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("starting the engine health check: %w", err))
		}
	}
	cancelChannel := make(chan bool)
	go func() { <-ctx.Done(); close(cancelChannel) }()

	host := &pythonHost{engineAddress: engineAddress, execScript: execScript}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("starting the language host server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped serving: %w", err))
	}
}

// exitOnInterrupt ends this host at once on SIGINT, as Go's default does, also when pulumi was
// started with SIGINT ignored (a background job of a script), which this host would inherit: the
// engine ends its language host with SIGINT and waits 5 s before killing it.
func exitOnInterrupt() {
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	go func() {
		<-interrupts
		os.Exit(130)
	}()
}

type pythonHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	execScript    string
}

func (h *pythonHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *pythonHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPlugins reports none: Python programs here use only dynamic providers, whose
// launcher the engine finds on PATH.
func (h *pythonHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *pythonHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// Run executes a program through the SDK's exec script, like the official host.
func (h *pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	python, venv, err := interpreter(info)
	if err != nil {
		return nil, err
	}
	args := []string{"-u", h.execScript}
	add := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", fmt.Sprint(req.GetDryRun()))
	add("parallel", fmt.Sprint(req.GetParallel()))
	add("organization", req.GetOrganization())
	add("root_directory", info.GetRootDirectory())
	args = append(args, entryPoint(info, req.GetPwd()))
	args = append(args, req.GetArgs()...)

	// A stack without config has a nil map, which marshals to `null`; the SDK expects an object.
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("serialising config: %w", err)
	}
	if msg := oversizedConfig(config, len(configJSON)); msg != "" {
		return &pulumirpc.RunResponse{Error: msg}, nil
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("serialising config secret keys: %w", err)
	}

	cmd := exec.CommandContext(ctx, python, args...)
	orphanProof(cmd)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = activate(os.Environ(), venv)
	cmd.Env = append(cmd.Env,
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	runErr := cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	switch code := exitCode(runErr); {
	case runErr == nil:
		return &pulumirpc.RunResponse{}, nil
	case code == userActionableExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case code > 0:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", code)}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Python program: %v", runErr)}, nil
	}
}

// RunPlugin runs a plugin written in Python (a policy pack) from its directory's __main__.py.
func (h *pythonHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	info := req.GetInfo()
	python, venv, err := interpreter(info)
	if err != nil {
		return err
	}
	program := info.GetProgramDirectory()
	if program == "" {
		program = req.GetProgram() //nolint:staticcheck // older engines
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	cmd := exec.CommandContext(server.Context(), python, append([]string{"-u", program}, req.GetArgs()...)...)
	orphanProof(cmd)
	cmd.Dir = req.GetPwd()
	cmd.Env = activate(req.GetEnv(), venv)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if runErr := cmd.Run(); runErr != nil {
		if code := exitCode(runErr); code >= 0 {
			return server.Send(&pulumirpc.RunPluginResponse{
				Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)},
			})
		}
		return fmt.Errorf("could not run the Python plugin %s: %w", program, runErr)
	}
	return closer.Close()
}

// InstallDependencies creates the configured virtualenv and installs requirements.txt if present.
func (h *pythonHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	info := req.GetInfo()
	venv := virtualenvPath(info)
	if venv == "" {
		return status.Error(codes.FailedPrecondition, "no 'virtualenv' runtime option is set; nothing to install")
	}
	stream := func(stderr bool) *installWriter { return &installWriter{server: server, stderr: stderr} }
	run := func(name string, args ...string) error {
		cmd := exec.CommandContext(server.Context(), name, args...)
		cmd.Dir = info.GetProgramDirectory()
		cmd.Stdout, cmd.Stderr = stream(false), stream(true)
		return cmd.Run()
	}
	if !isVirtualenv(venv) {
		if err := run(basePython(), "-m", "venv", venv); err != nil {
			return fmt.Errorf("creating virtualenv %s: %w", venv, err)
		}
	}
	requirements := filepath.Join(info.GetProgramDirectory(), "requirements.txt")
	if _, err := os.Stat(requirements); err == nil {
		if err := run(filepath.Join(venv, "bin", "python"), "-m", "pip", "install", "-r", requirements); err != nil {
			return fmt.Errorf("installing %s: %w", requirements, err)
		}
	}
	return nil
}

type installWriter struct {
	server pulumirpc.LanguageRuntime_InstallDependenciesServer
	stderr bool
}

func (w *installWriter) Write(p []byte) (int, error) {
	resp := &pulumirpc.InstallDependenciesResponse{Stdout: p}
	if w.stderr {
		resp = &pulumirpc.InstallDependenciesResponse{Stderr: p}
	}
	if err := w.server.Send(resp); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *pythonHost) About(_ context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	python, venv, err := interpreter(req.GetInfo())
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(python, "-c", "import platform; print(platform.python_version())")
	cmd.Env = activate(os.Environ(), venv)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("asking %s for its version: %w", python, err)
	}
	return &pulumirpc.AboutResponse{Executable: python, Version: strings.TrimSpace(string(out))}, nil
}

// interpreter picks the Python of the `virtualenv` option, else PULUMI_PYTHON_CMD or python3.
func interpreter(info *pulumirpc.ProgramInfo) (python, venv string, err error) {
	venv = virtualenvPath(info)
	if venv == "" {
		return basePython(), "", nil
	}
	if !isVirtualenv(venv) {
		return "", "", status.Errorf(codes.FailedPrecondition,
			"the 'virtualenv' option in Pulumi.yaml points to %q, which is not a virtual environment; "+
				"create it (for this project: `make setup`) and try again", venv)
	}
	return filepath.Join(venv, "bin", "python"), venv, nil
}

func basePython() string {
	if cmd := os.Getenv("PULUMI_PYTHON_CMD"); cmd != "" {
		return cmd
	}
	return "python3"
}

func virtualenvPath(info *pulumirpc.ProgramInfo) string {
	opts := info.GetOptions().AsMap()
	venv, _ := opts["virtualenv"].(string)
	if venv == "" || filepath.IsAbs(venv) {
		return venv
	}
	return filepath.Join(info.GetRootDirectory(), venv)
}

// orphanProof makes the kernel kill cmd's process when this host ends, so a program or policy
// pack never outlives the host (which ends within seconds of the engine).
func orphanProof(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func isVirtualenv(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "bin", "python"))
	return err == nil
}

// activate returns env with the virtualenv's bin first on PATH, as `source bin/activate` would.
func activate(env []string, venv string) []string {
	if venv == "" {
		return env
	}
	out := make([]string, 0, len(env)+2)
	path := ""
	for _, kv := range env {
		switch {
		case strings.HasPrefix(kv, "PATH="):
			path = strings.TrimPrefix(kv, "PATH=")
		case strings.HasPrefix(kv, "PYTHONHOME="), strings.HasPrefix(kv, "VIRTUAL_ENV="):
		default:
			out = append(out, kv)
		}
	}
	bin := filepath.Join(venv, "bin")
	if path != "" {
		bin += string(os.PathListSeparator) + path
	}
	return append(out, "PATH="+bin, "VIRTUAL_ENV="+venv)
}

func entryPoint(info *pulumirpc.ProgramInfo, pwd string) string {
	dir := info.GetProgramDirectory()
	if dir == "" {
		dir = pwd
	}
	entry := info.GetEntryPoint()
	if entry == "" || entry == "." {
		return dir
	}
	return filepath.Join(dir, entry)
}

// exitCode returns the process exit code, or -1 when the process did not run or was signalled.
func exitCode(err error) int {
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return -1
	}
	if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Exited() {
		return ws.ExitStatus()
	}
	return -1
}

// maxEnvString is Linux's limit on one environment string (MAX_ARG_STRLEN, 32 pages): a longer
// PULUMI_CONFIG makes exec fail with "argument list too long", naming nothing.
const maxEnvString = 32 * 4096

// oversizedConfig names the largest config values when the stack config cannot be passed to the
// program (empty when it can), so the user learns which key to fix instead of an exec error.
func oversizedConfig(config map[string]string, jsonSize int) string {
	if len("PULUMI_CONFIG=")+jsonSize+1 <= maxEnvString {
		return ""
	}
	keys := make([]string, 0, len(config))
	for k := range config {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(config[keys[i]]) > len(config[keys[j]]) })
	var named []string
	for _, k := range keys {
		if len(named) == 3 || len(config[k]) < 1024 {
			break
		}
		named = append(named, fmt.Sprintf("%s (%d bytes)", k, len(config[k])))
	}
	return fmt.Sprintf("the stack configuration is %d bytes, more than the %d a program can be "+
		"given; the largest values: %s. Check those keys (a file's content set by mistake?) and "+
		"keep large data out of stack config. Nothing was run.",
		jsonSize, maxEnvString, strings.Join(named, ", "))
}
