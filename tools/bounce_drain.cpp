// bounce-drain: reads the Redis stream that bounce-milter and bounce-hooks instances write to,
// through a consumer group, and posts each event to listmonk once. Any number can run in parallel.
#include "conf/command_line.hpp"
#include "conf/config.hpp"
#include "conf/environment.hpp"
#include "forwarder/dispatcher.hpp"
#include "forwarder/log.hpp"
#include "forwarder/sink_check.hpp"
#include "metrics/exporter.hpp"
#include "metrics/registry.hpp"
#include "tools/bounce_drain_loop.hpp"
#include "tools/bounce_drain_redis.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
static_assert(std::atomic<bool>::is_always_lock_free, "flags are set from signal handlers");

extern "C" void on_stop_signal(int) { g_stop.store(true); }
extern "C" void on_reload_signal(int) { g_reload.store(true); }

void install_signal_handlers() {
    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    sa.sa_handler = on_reload_signal;
    sigaction(SIGUSR1, &sa, nullptr);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, nullptr);
}

std::string default_consumer() {
    char host[256] = {0};
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "drain");
    return std::string(host) + "-" + std::to_string(getpid());
}

// Drain-specific checks on top of the loader's: what a drain cannot run without.
std::vector<std::string> drain_requirements(const conf::Config& config) {
    std::vector<std::string> missing;
    if (!config.redis) missing.push_back("bounce-drain needs a [redis] section (url, stream) to read from");
    if (!config.listmonk) missing.push_back("bounce-drain needs a [listmonk] section (url, username, token) to post to");
    return missing;
}

// Only the listmonk sink, built by the forwarder exactly as the producers build it.
std::unique_ptr<forwarder::Sink> make_listmonk_sink(const conf::Config& config) {
    conf::Config only_listmonk = config;
    only_listmonk.redis.reset();
    only_listmonk.file.reset();
    auto sinks = forwarder::make_sinks(only_listmonk);
    return sinks.empty() ? nullptr : std::move(sinks.front());
}

tools::DrainOptions drain_options(const conf::Config& config, const std::string& consumer) {
    const conf::DrainConfig drain = config.drain.value_or(conf::DrainConfig{});
    tools::DrainOptions o;
    o.consumer = consumer;
    o.stream = config.redis->stream;
    o.group = drain.group;
    o.claim_idle = std::chrono::seconds(drain.claim_idle_seconds);
    o.claim_interval = std::clamp(std::chrono::milliseconds(o.claim_idle / 2), std::chrono::milliseconds(500),
                                  std::chrono::milliseconds(15000));
    // The lease must outlive the longest POST (curl's whole-request timeout) plus the Redis round
    // trips around it, or a slow but live drain could lose its lease and see the event posted twice.
    o.lease = std::chrono::duration_cast<std::chrono::seconds>(config.listmonk->timeout) + std::chrono::seconds(6);
    o.done_ttl = std::chrono::seconds(drain.dedup_ttl_seconds);
    // Only consumers that cannot be alive: a live drain reads at least every second.
    o.forget_consumers_idle = std::max<std::chrono::milliseconds>(std::chrono::hours(1), o.claim_idle * 10);
    o.block = std::min(std::chrono::milliseconds(1000), config.redis->timeout / 2);
    o.retry = forwarder::dispatcher_options(config).retry;
    return o;
}

tools::RedisDrainStoreOptions store_options(const conf::Config& config, const std::string& consumer) {
    const conf::DrainConfig drain = config.drain.value_or(conf::DrainConfig{});
    tools::RedisDrainStoreOptions o;
    o.url = config.redis->url;
    o.password = config.redis->password;
    o.stream = config.redis->stream;
    o.group = drain.group;
    o.consumer = consumer;
    o.dead_letter_stream = drain.dead_letter_stream.empty() ? config.redis->stream + ":dead" : drain.dead_letter_stream;
    o.dead_letter_maxlen = config.redis->maxlen;
    o.timeout = config.redis->timeout;
    return o;
}

std::string counters_line(const tools::DrainCounters& c) {
    auto n = [](const std::atomic<std::uint64_t>& v) { return std::to_string(v.load()); };
    return "read " + n(c.read) + ", posted " + n(c.delivered) + ", duplicates skipped " + n(c.duplicates) +
           ", dead-lettered " + n(c.dead_lettered) + ", claimed " + n(c.claimed) + ", trimmed unposted " + n(c.gone) +
           ", listmonk failures " + n(c.sink_failures) + ", redis failures " + n(c.redis_failures);
}

// The loop's own counters, read at scrape time (it keeps them anyway; no second set to keep in step).
std::vector<metrics::FamilySnapshot> drain_families(const tools::DrainCounters& c) {
    auto counter = [](const char* name, const char* help, const std::atomic<std::uint64_t>& value) {
        return metrics::FamilySnapshot{name, help, metrics::Type::counter, {}, {{{}, static_cast<double>(value.load())}}, {}};
    };
    return {
        counter("bounce_drain_entries_read_total", "New stream entries read through the consumer group.", c.read),
        counter("bounce_drain_posted_total", "Events listmonk accepted (2xx), then acknowledged.", c.delivered),
        counter("bounce_drain_dead_lettered_total",
                "Entries moved to the dead-letter stream (refused by listmonk, or undecodable).", c.dead_lettered),
        counter("bounce_drain_claimed_total", "Entries taken over from consumers idle past claim_idle_seconds.", c.claimed),
        counter("bounce_drain_duplicates_skipped_total",
                "Entries acknowledged without posting: their event was already posted (idempotency key).", c.duplicates),
        counter("bounce_drain_trimmed_total", "Entries trimmed from the stream (MAXLEN) before they were posted.", c.gone),
        counter("bounce_drain_post_failures_total",
                "POSTs to listmonk that failed temporarily; the entry stays pending and is retried.", c.sink_failures),
        counter("bounce_drain_redis_failures_total", "Redis commands that failed (connection lost, refused).",
                c.redis_failures),
    };
}

conf::LoadResult load_checked(const std::string& path) {
    conf::LoadResult loaded = conf::load_file(path);
    for (const auto& w : loaded.warnings) std::cerr << w.to_string() << "\n";
    if (loaded.config) {
        for (auto& message : drain_requirements(*loaded.config)) loaded.errors.push_back({path, 1, message});
        for (auto& problem : conf::environment_problems(*loaded.config, {false, ""})) loaded.errors.push_back(problem);
        if (!loaded.errors.empty()) loaded.config.reset();
    }
    return loaded;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"bounce-drain: post the bounce events of a Redis stream to listmonk, once each"};
    std::string config_path = "/etc/bounce-milter/bounce-drain.toml";
    std::string consumer;
    bool check_config = false;
    bool check_sinks = false;
    bool use_syslog = false;
    bool verbose = false;
    app.add_option("-c,--config", config_path,
                   "TOML configuration file ([redis], [listmonk], [drain]; default: /etc/bounce-milter/bounce-drain.toml)");
    app.add_flag("--check-config", check_config, "validate the configuration, print every error, exit 0/1");
    app.add_flag("--check-sinks", check_sinks,
                 "check that Redis and listmonk answer with the configured credentials (records nothing), exit 0/1");
    app.add_option("--consumer", consumer, "consumer name in the group (default: [drain] consumer, else host-pid)");
    app.add_flag("--syslog", use_syslog, "log to syslog (facility mail) instead of stderr");
    app.add_flag("-v,--verbose", verbose, "log debug lines too");
    command_line::add_version(app, "bounce-drain");
    if (const int rc = command_line::parse(app, argc, argv); rc >= 0) return rc;

    conf::LoadResult loaded = load_checked(config_path);
    if (!loaded.config) {
        for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
        return 1;
    }
    if (check_config || check_sinks) {
        if (check_config) std::cout << config_path << ": OK\n";
        return check_sinks ? forwarder::check_sinks(*loaded.config, std::cout) : 0;
    }
    auto config = loaded.config;

    forwarder::log::configure(use_syslog ? forwarder::log::Target::syslog : forwarder::log::Target::stderr_stream,
                              "bounce-drain", verbose ? forwarder::log::Level::debug : forwarder::log::Level::info);
    install_signal_handlers();

    if (consumer.empty() && config->drain) consumer = config->drain->consumer;
    if (consumer.empty()) consumer = default_consumer();

    std::unique_ptr<forwarder::Sink> sink = make_listmonk_sink(*config);
    tools::RedisDrainStore store(store_options(*config, consumer));
    tools::DrainLoop loop(store, *sink, drain_options(*config, consumer));

    metrics::Registry registry;
    std::unique_ptr<metrics::Exporter> exporter;
    if (config->metrics && !config->metrics->listen.empty()) {
        loop.set_post_seconds(&registry.histogram("bounce_drain_post_seconds",
                                                  "Duration of each POST to listmonk, whatever its result.",
                                                  metrics::network_seconds_buckets()));
        registry.add_collector([&loop] { return drain_families(loop.counters()); });
        try {
            exporter = std::make_unique<metrics::Exporter>(config->metrics->listen, [&registry] { return registry.render(); });
        } catch (const metrics::ExporterError& e) {
            forwarder::log::error(e.what());
            return 1;
        }
        forwarder::log::info("metrics on http://" + config->metrics->listen + "/metrics");
    }
    const tools::RedisDrainStoreOptions opts = store_options(*config, consumer);
    forwarder::log::info("consumer " + consumer + " of group " + opts.group + " on stream " + opts.stream + " at " +
                         forwarder::log::redact_url(opts.url) + "; dead letters to " + opts.dead_letter_stream +
                         "; posting to listmonk " + forwarder::log::redact_url(config->listmonk->url) + " as " + config->listmonk->username);

    auto last_report = std::chrono::steady_clock::now();
    std::uint64_t last_posted = 0;
    while (!g_stop.load()) {
        if (g_reload.exchange(false)) {
            // Only the listmonk side is reloaded; stream, group and consumer stay (changing them needs a restart).
            conf::LoadResult fresh = load_checked(config_path);
            if (!fresh.config) {
                for (const auto& e : fresh.errors) forwarder::log::error("reload refused: " + e.to_string());
            } else {
                auto next = make_listmonk_sink(*fresh.config);
                loop.replace_sink(*next);
                sink = std::move(next);
                forwarder::log::info("configuration reloaded (listmonk settings)");
            }
        }
        loop.step(g_stop);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_report > std::chrono::minutes(1) && loop.counters().delivered != last_posted) {
            last_posted = loop.counters().delivered;
            last_report = now;
            forwarder::log::info(counters_line(loop.counters()));
        }
    }
    forwarder::log::info("stopping: " + counters_line(loop.counters()));
    return 0;
}
