// bounce-hooks: receives provider bounce webhooks, verifies them and writes normalized events to the
// outbox shared with bounce-milter, from which the forwarder delivers them to listmonk, Redis or a file.
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include "conf/command_line.hpp"
#include "conf/config.hpp"
#include "conf/environment.hpp"
#include "forwarder/dispatcher.hpp"
#include "forwarder/log.hpp"
#include "forwarder/outbox.hpp"
#include "forwarder/outbox_metrics.hpp"
#include "forwarder/sink_check.hpp"
#include "metrics/exporter.hpp"
#include "metrics/registry.hpp"
#include "webhooks/outbox_writer.hpp"
#include "webhooks/privileges.hpp"
#include "webhooks/server.hpp"

namespace {

// Detaches from the terminal; called before any thread exists.
bool daemonize(std::string& error) {
    const pid_t pid = fork();
    if (pid < 0) {
        error = "fork failed";
        return false;
    }
    if (pid > 0) _exit(0);
    if (setsid() < 0) {
        error = "setsid failed";
        return false;
    }
    if (std::freopen("/dev/null", "r", stdin) == nullptr || std::freopen("/dev/null", "w", stdout) == nullptr ||
        std::freopen("/dev/null", "w", stderr) == nullptr) {
        error = "cannot redirect stdio";
        return false;
    }
    return true;
}

// Every outbox commit starts by dropping SQLite's page cache (the dispatcher's connection wrote in
// between), and glibc then hands the freed top of the worker thread's arena back to the kernel, only
// to fault the same pages in again for the next commit: 7 % of the CPU under the SNS bench. Keeping
// up to 64 MiB of freed memory per arena costs nothing the process would not use again at once.
void keep_freed_memory() { mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024); }

int run(int argc, char** argv) {
    keep_freed_memory();
    CLI::App app{"bounce-hooks: verified provider bounce webhooks for listmonk"};
    std::string config_path = "/etc/bounce-milter/bounce-hooks.toml";
    bool check_config = false, check_sinks = false, foreground = false, allow_root = false;
    std::string user;
    app.add_option("-c,--config", config_path, "configuration file (default: /etc/bounce-milter/bounce-hooks.toml)");
    app.add_flag("--check-config", check_config,
                 "validate the configuration and the directories it names, print every error, exit 0/1");
    app.add_flag("--check-sinks", check_sinks,
                 "check that listmonk and Redis answer with the configured credentials (records nothing), exit 0/1");
    app.add_flag("-f,--foreground", foreground, "stay in the foreground and log to stderr");
    app.add_option("-u,--user", user, "switch to this user after binding (required when started as root)");
    app.add_flag("--allow-root", allow_root, "keep running as root (tests only)");
    command_line::add_version(app, "bounce-hooks");
    if (const int rc = command_line::parse(app, argc, argv); rc >= 0) return rc;

    const conf::LoadResult loaded = conf::load_file(config_path);
    std::vector<std::string> errors;
    for (const auto& w : loaded.warnings) std::cerr << w.to_string() << "\n";
    for (const auto& e : loaded.errors) errors.push_back(e.to_string());
    std::map<std::string, std::unique_ptr<webhooks::Provider>> providers;
    webhooks::Services services;
    services.fetcher = webhooks::make_curl_fetcher();
    if (loaded.config && !loaded.config->hooks) {
        errors.push_back(config_path + ": no [hooks] section: bounce-hooks has nothing to serve");
    } else if (loaded.config) {
        try {
            providers = webhooks::make_providers(*loaded.config->hooks, services);
        } catch (const webhooks::ProviderConfigError& e) {
            std::istringstream lines(e.what());
            for (std::string line; std::getline(lines, line);) errors.push_back(config_path + ": " + line);
        }
        std::string host;
        int port = 0;
        if (!webhooks::split_listen(loaded.config->hooks->listen, host, port))
            errors.push_back(config_path + ": [hooks] listen must be host:port");
        for (const auto& problem : conf::environment_problems(*loaded.config)) errors.push_back(problem.to_string());
    }
    for (const auto& e : errors) std::cerr << e << "\n";
    if (!errors.empty()) return 1;
    if (check_config || check_sinks) {
        if (check_config) std::cout << config_path << ": OK (" << providers.size() << " provider(s))\n";
        return check_sinks ? forwarder::check_sinks(*loaded.config, std::cout) : 0;
    }
    const conf::Config& config = *loaded.config;
    if (geteuid() == 0 && !allow_root && (user.empty() || webhooks::is_root_account(user))) {
        std::cerr << "bounce-hooks: refusing to run as root; pass --user NAME to switch users after binding\n";
        return 1;
    }

    // Signals are taken synchronously by one thread so shutdown runs outside any signal handler. They
    // are blocked before any thread exists, because threads inherit the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    // As in bounce-milter: a write past a file-size limit (systemd's LimitFSIZE=) must fail the outbox
    // enqueue with EFBIG, so the provider gets a 5xx and retries, rather than kill the process mid-commit.
    signal(SIGXFSZ, SIG_IGN);

    forwarder::log::configure(foreground ? forwarder::log::Target::stderr_stream : forwarder::log::Target::syslog,
                              "bounce-hooks");
    std::string provider_names;
    for (const auto& [name, provider] : providers) provider_names += (provider_names.empty() ? "" : ", ") + name;
    webhooks::RequestLogger logger = [](bool warning, std::string_view line) {
        if (warning) forwarder::log::warning(line);
        else forwarder::log::info(line);
    };

    // The outbox and server are created before forking only as far as binding goes: threads start later.
    std::unique_ptr<webhooks::HooksServer> server;
    std::unique_ptr<forwarder::Outbox> outbox;
    std::unique_ptr<webhooks::OutboxWriter> writer;
    struct LateWriter final : webhooks::EventWriter {
        webhooks::EventWriter* target = nullptr;
        forwarder::EnqueueResult write(const std::vector<forwarder::Event>& events) override {
            if (target == nullptr) throw forwarder::OutboxError("outbox not open");
            return target->write(events);
        }
    } late_writer;
    server = std::make_unique<webhooks::HooksServer>(*config.hooks, std::move(providers), late_writer, logger);
    std::string error;
    if (!server->bind(error)) {
        std::cerr << "bounce-hooks: " << error << "\n";
        return 1;
    }
    if (!user.empty()) {
        if (!webhooks::drop_privileges(user, error)) {
            std::cerr << "bounce-hooks: " << error << "\n";
            return 1;
        }
    }
    if (!foreground && !daemonize(error)) {
        std::cerr << "bounce-hooks: " << error << "\n";
        return 1;
    }

    try {
        outbox = std::make_unique<forwarder::Outbox>(config.outbox.path, forwarder::sink_names(config));
    } catch (const forwarder::OutboxError& e) {
        forwarder::log::error(std::string("cannot open the outbox: ") + e.what());
        return 1;
    }
    writer = std::make_unique<webhooks::OutboxWriter>(*outbox);
    late_writer.target = writer.get();
    // Before the metrics below, which read it: they are destroyed first.
    forwarder::Dispatcher dispatcher(*outbox, forwarder::make_sinks(config), forwarder::dispatcher_options(config));
    // The outbox's figures join the request counters on /metrics (and on [metrics] listen, when set).
    metrics::Registry outbox_metrics;
    forwarder::add_outbox_metrics(outbox_metrics, *outbox);
    forwarder::add_sink_metrics(outbox_metrics, dispatcher);
    server->metrics().append_registry(&outbox_metrics);
    std::unique_ptr<metrics::Exporter> exporter;
    if (config.metrics && !config.metrics->listen.empty()) {
        try {
            exporter = std::make_unique<metrics::Exporter>(config.metrics->listen,
                                                           [&server] { return server->metrics().render(); });
        } catch (const metrics::ExporterError& e) {
            forwarder::log::error(e.what());
            return 1;
        }
        forwarder::log::info("metrics on http://" + config.metrics->listen + "/metrics");
    }
    outbox->set_enqueue_listener([&dispatcher] { dispatcher.wake(); });
    dispatcher.start();

    std::thread signal_thread([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        forwarder::log::info("stopping on signal " + std::to_string(sig));
        server->stop();
    });

    forwarder::log::info("configuration " + config_path + "; outbox " + config.outbox.path + "; sinks: " +
                         forwarder::describe_sinks(config));
    std::string host;
    int configured_port = 0;
    webhooks::split_listen(config.hooks->listen, host, configured_port);
    forwarder::log::info("listening on http://" + host + ":" + std::to_string(server->port()) +
                         " for providers: " + (provider_names.empty() ? "(none)" : provider_names) +
                         " (POST /webhooks/service/<provider>)");
    server->run();
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
    dispatcher.stop();
    outbox->set_enqueue_listener(nullptr);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "bounce-hooks: " << e.what() << "\n";
        return 1;
    }
}
