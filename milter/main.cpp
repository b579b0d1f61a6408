// bounce-milter: captures bounces (DSNs, ARF complaints) inline at the MTA and forwards them to listmonk,
// Redis and/or a JSON Lines file through a durable outbox.
#include "conf/command_line.hpp"
#include "conf/config.hpp"
#include "conf/environment.hpp"
#include "forwarder/dispatcher.hpp"
#include "forwarder/pipeline.hpp"
#include "forwarder/log.hpp"
#include "forwarder/outbox_metrics.hpp"
#include "forwarder/sink_check.hpp"
#include "metrics/exporter.hpp"
#include "metrics/registry.hpp"
#include "milter/callbacks.hpp"
#include "milter/milter_metrics.hpp"
#include "milter/outbox_capturer.hpp"
#include "milter/privileges.hpp"
#include "milter/runtime.hpp"
#include "milter/signals.hpp"
#include "milter/socket.hpp"

#include <CLI/CLI.hpp>
#include <libmilter/mfapi.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace logging = forwarder::log;

namespace {

struct Options {
    std::string config_path = "/etc/bounce-milter/bounce-milter.toml";
    bool demo = false;  // the compiled-in demo (conf/demo.toml) in the current directory instead
    bool check_config = false;
    bool check_sinks = false;
    bool foreground = false;
    bool allow_root = false;
    bool verbose = false;
    std::string socket_override;
    std::string pid_file;
};

std::string config_name(const Options& options) { return options.demo ? "<demo>" : options.config_path; }

// The file (or the demo), the milter's own requirements, and the machine: directories and users.
conf::LoadResult load(const Options& options) {
    conf::LoadResult result = options.demo ? conf::load_demo(std::filesystem::current_path().string())
                                           : conf::load_file(options.config_path);
    const std::string name = config_name(options);
    if (result.errors.empty() && result.config && !result.config->milter) {
        result.errors.push_back({name, 1, "no [milter] section: bounce-milter needs one"});
        result.config.reset();
    }
    if (result.errors.empty() && result.config) {
        const std::string socket = options.socket_override.empty() ? result.config->milter->socket
                                                                   : options.socket_override;
        try {
            milter::parse_socket_spec(socket);
            if (const auto exposure = conf::remote_exposure(socket);
                !options.socket_override.empty() && !exposure.empty() && !result.config->milter->allow_remote_mta)
                throw std::runtime_error("--socket " + socket + " " + exposure + " ([milter] allow_remote_mta = true allows it)");
        } catch (const std::exception& e) {
            result.errors.push_back({name, 0, e.what()});
        }
        for (auto& problem : conf::environment_problems(*result.config, {true, options.socket_override}))
            result.errors.push_back(std::move(problem));
        if (!result.errors.empty()) result.config.reset();
    }
    return result;
}

std::shared_ptr<const milter::Policy> make_policy(std::shared_ptr<const conf::Config> config, forwarder::Outbox& outbox,
                                                  milter::MilterMetrics* metrics) {
    auto capturer = std::make_shared<milter::OutboxCapturer>(config, outbox, metrics ? &metrics->parse_seconds() : nullptr);
    return std::make_shared<const milter::Policy>(*config->milter, std::move(capturer));
}

std::string summary(const conf::Config& config) {
    const auto& m = *config.milter;
    std::string addresses;
    for (const auto& a : m.bounce_addresses) addresses += (addresses.empty() ? "" : ",") + a;
    static const char* bounce_names[] = {"discard", "accept", "tag"};
    static const char* error_names[] = {"tempfail", "accept"};
    return "bounce_addresses=" + (addresses.empty() ? std::string("(none: every message is accepted)") : addresses) +
           " on_bounce=" + bounce_names[static_cast<int>(m.on_bounce)] +
           " on_error=" + error_names[static_cast<int>(m.on_error)] +
           " max_message_bytes=" + std::to_string(m.max_message_bytes);
}

// SIGUSR1: re-read the file and swap the policy. Sinks, the outbox and the socket stay as started.
void reload(const Options& options, milter::Runtime& runtime, forwarder::Outbox& outbox,
            const std::shared_ptr<const conf::Config>& started_with) {
    if (options.demo) {
        logging::info("reload: running on the demo, nothing to re-read");
        return;
    }
    conf::LoadResult result = load(options);
    if (!result.errors.empty()) {
        for (const auto& e : result.errors) logging::error("reload: " + e.to_string());
        logging::error("reload: keeping the previous configuration");
        return;
    }
    const conf::Config& next = *result.config;
    if (next.milter->socket != started_with->milter->socket || next.outbox.path != started_with->outbox.path ||
        forwarder::sink_names(next) != forwarder::sink_names(*started_with) ||
        next.milter->user != started_with->milter->user ||
        next.metrics.value_or(conf::MetricsConfig{}).listen != started_with->metrics.value_or(conf::MetricsConfig{}).listen)
        logging::warning("reload: socket, user, [outbox], [metrics] and sink changes take effect only after a restart");
    runtime.replace_policy(make_policy(result.config, outbox, runtime.metrics()));
    logging::info("reloaded " + options.config_path + ": " + summary(next));
}

void write_pid_file(const std::string& path) {
    std::ofstream out(path, std::ios::trunc);
    out << getpid() << '\n';
    if (!out) throw std::runtime_error("cannot write pid file " + path);
}

int run(const Options& options) {
    conf::LoadResult loaded = load(options);
    for (const auto& w : loaded.warnings) std::cerr << w.to_string() << '\n';
    if (!loaded.errors.empty()) {
        for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
        return 1;
    }
    std::shared_ptr<const conf::Config> config = loaded.config;
    const conf::MilterConfig& mc = *config->milter;

    if (geteuid() == 0 && !options.allow_root && (mc.user.empty() || milter::is_root_account(mc.user))) {
        std::cerr << "bounce-milter: refusing to run as root; set [milter] user = \"...\" to an unprivileged account "
                     "to drop privileges, or pass --allow-root\n";
        return 2;
    }

    logging::configure(options.foreground ? logging::Target::stderr_stream : logging::Target::syslog, "bounce-milter",
                   options.verbose ? logging::Level::debug : logging::Level::info);

    if (!options.foreground) {
        // Fork before any thread exists; keep the working directory (relative paths in the config).
        if (daemon(1, 0) != 0) {
            logging::error("cannot daemonize");
            return 1;
        }
    }
    logging::info("configuration " + config_name(options) + "; outbox " + config->outbox.path + "; sinks: " +
                  forwarder::describe_sinks(*config));
    if (!options.pid_file.empty()) write_pid_file(options.pid_file);

    // Before any thread starts, so every thread (libmilter's, the workers) inherits the mask.
    milter::block_control_signals();
    // A sink writing to a peer that went away must get EPIPE, not kill the process; libmilter ignores
    // SIGPIPE too, but only from smfi_main() on, after the delivery workers are already running.
    std::signal(SIGPIPE, SIG_IGN);
    // A write beyond the file-size limit (RLIMIT_FSIZE, e.g. systemd's LimitFSIZE=) raises SIGXFSZ,
    // whose default action kills the process mid-transaction. Ignored, the write fails with EFBIG
    // instead: the outbox enqueue fails, the bounce is tempfailed and retried, and the milter lives on
    // to serve the next one, as on a full disk (ENOSPC).
    std::signal(SIGXFSZ, SIG_IGN);

    if (!mc.user.empty() && geteuid() == 0) {
        milter::drop_privileges(mc.user);
        logging::info("running as user " + mc.user);
    }

    // The outbox and its delivery workers: end-of-message only enqueues; the workers do the network.
    forwarder::Pipeline pipeline(*config);
    forwarder::Outbox& outbox = pipeline.outbox();
    pipeline.start();

    // Metrics, when [metrics] listen is set: served from their own thread, started after daemon() and
    // declared after the pipeline, so the exporter stops before the outbox it reads goes away.
    metrics::Registry registry;
    std::optional<milter::MilterMetrics> milter_metrics;
    std::unique_ptr<metrics::Exporter> exporter;
    if (config->metrics && !config->metrics->listen.empty()) {
        milter_metrics.emplace(registry);
        forwarder::add_outbox_metrics(registry, outbox);
        forwarder::add_sink_metrics(registry, pipeline.dispatcher());
        exporter = std::make_unique<metrics::Exporter>(config->metrics->listen, [&registry] { return registry.render(); });
        logging::info("metrics on http://" + config->metrics->listen + "/metrics");
    }
    milter::MilterMetrics* counting = milter_metrics ? &*milter_metrics : nullptr;

    milter::Runtime runtime(make_policy(config, outbox, counting));
    runtime.set_metrics(counting);
    const milter::SocketSpec socket =
        milter::parse_socket_spec(options.socket_override.empty() ? mc.socket : options.socket_override);
    smfiDesc description = milter::make_filter_description(runtime, !socket.unix_path.empty());
    if (!socket.unix_path.empty()) milter::remove_stale_unix_socket(socket.unix_path);
    if (smfi_register(description) != MI_SUCCESS) throw std::runtime_error("smfi_register failed");
    if (smfi_setconn(const_cast<char*>(socket.spec.c_str())) != MI_SUCCESS)
        throw std::runtime_error("smfi_setconn failed for " + socket.spec);
    // Bounce storms arrive over many parallel connections; libmilter's default backlog is small.
    smfi_setbacklog(128);
    if (smfi_opensocket(false) != MI_SUCCESS)
        throw std::runtime_error("cannot listen on " + socket.spec + " (in use, or no permission)");
    if (!socket.unix_path.empty()) milter::set_unix_socket_access(socket.unix_path, mc.socket_mode, mc.socket_group);
    else if (!milter::set_listener_tcp_nodelay(socket.spec))
        logging::warning("could not set TCP_NODELAY on " + socket.spec + ": answers with edits may wait on delayed ACKs");

    milter::ReloadSignalThread reloader([&] { reload(options, runtime, outbox, config); });
    logging::info("listening on " + socket.spec + " (" + config_name(options) + "): " + summary(*config));

    // Returns after SIGTERM/SIGHUP/SIGINT (libmilter's own signal thread) or smfi_stop().
    const int rc = smfi_main();

    reloader.stop();
    // Leave no socket file behind: the next start (or an MTA probing it) should not find a stale one.
    if (!socket.unix_path.empty()) unlink(socket.unix_path.c_str());
    // libmilter does not wait for the threads serving MTA connections: keep them away from the outbox
    // and the runtime from now on, and let a callback that is running (an outbox write) finish first.
    // Messages still in flight are tempfailed by the MTA (milter_default_action) and retried.
    milter::shutdown_gate().close();
    logging::info("stopping: finishing in-flight deliveries");
    pipeline.stop();
    if (!options.pid_file.empty()) unlink(options.pid_file.c_str());
    logging::info("stopped");
    return rc == MI_SUCCESS ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App app{"bounce-milter: capture bounces inline at the MTA and forward them to listmonk, Redis or a file"};
    app.add_option("-c,--config", options.config_path, "TOML configuration file (default: /etc/bounce-milter/bounce-milter.toml)");
    app.add_flag("--demo", options.demo,
                 "run on the compiled-in demo: inet:8895@127.0.0.1, outbox and bounces.jsonl in the current directory");
    app.add_flag("--check-config", options.check_config,
                 "validate the configuration and the directories and user it names, print every error, exit 0/1");
    app.add_flag("--check-sinks", options.check_sinks,
                 "check that listmonk and Redis answer with the configured credentials (records nothing), exit 0/1");
    app.add_flag("-f,--foreground", options.foreground, "stay in the foreground and log to stderr (else syslog, mail)");
    app.add_option("--socket", options.socket_override, "override [milter] socket (unix:/path or inet:port@host)");
    app.add_flag("--allow-root", options.allow_root, "run as root without a [milter] user to drop to");
    app.add_flag("-v,--verbose", options.verbose, "log debug lines too");
    app.add_option("--pid-file", options.pid_file, "write the process id to this file");
    command_line::add_version(app, "bounce-milter");
    if (const int rc = command_line::parse(app, argc, argv); rc >= 0) return rc;

    if (options.check_config || options.check_sinks) {
        const conf::LoadResult result = load(options);
        for (const auto& w : result.warnings) std::cerr << w.to_string() << '\n';
        for (const auto& e : result.errors) std::cerr << e.to_string() << '\n';
        if (!result.errors.empty()) return 1;
        if (options.check_config)
            std::cout << config_name(options) << ": OK (" << summary(*result.config) << ")\n";
        return options.check_sinks ? forwarder::check_sinks(*result.config, std::cout) : 0;
    }
    try {
        return run(options);
    } catch (const std::exception& e) {
        logging::error(std::string("fatal: ") + e.what());
        if (!options.foreground) std::cerr << "bounce-milter: " << e.what() << '\n';
        return 1;
    }
}
