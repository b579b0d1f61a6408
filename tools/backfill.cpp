#include "tools/backfill.hpp"

#include "conf/config.hpp"
#include "conf/environment.hpp"
#include "dsn/report.hpp"
#include "forwarder/attribution.hpp"
#include "forwarder/log.hpp"
#include "forwarder/pipeline.hpp"
#include "forwarder/producer.hpp"
#include "tools/message_headers.hpp"
#include "tools/message_source.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

namespace tools {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }

constexpr std::size_t kEnqueueBatch = 500;  // one durable commit per batch instead of per message

struct Totals {
    std::size_t messages = 0;
    std::size_t not_bounces = 0;
    std::size_t errors = 0;
    std::size_t events = 0;
    std::size_t skipped = 0;  // delay warnings and the like, by policy
    std::size_t inserted = 0;
    std::size_t duplicates = 0;
    std::map<std::string, std::size_t> by_type;
    std::map<std::string, std::size_t> held_events;   // by reason: kept in the outbox, not forwarded
    std::map<std::string, std::size_t> held_reports;
};

struct DeliveryTotals {
    std::size_t pending = 0;
    std::size_t delivered = 0;
    std::size_t dead = 0;
};

DeliveryTotals sum(const std::vector<forwarder::SinkStats>& stats) {
    DeliveryTotals t;
    for (const auto& s : stats) {
        t.pending += s.pending;
        t.delivered += s.delivered;
        t.dead += s.dead;
    }
    return t;
}

class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled) {}
    void reading(const Totals& t) {
        if (!due()) return;
        draw("reading: " + std::to_string(t.messages) + " messages, " + std::to_string(t.events) + " events");
    }
    // Events (not deliveries: an event goes to every sink) done of this run's new events, and while
    // nothing moves, why: the last error of the oldest waiting delivery.
    void delivering(std::size_t done_events, std::size_t total_events, std::size_t pending, const std::string& waiting_on) {
        if (!due()) return;
        constexpr int width = 30;
        const int filled =
            total_events == 0 ? width : static_cast<int>(width * std::min(done_events, total_events) / total_events);
        std::string line = "delivering [" + std::string(filled, '#') + std::string(width - filled, '-') + "] " +
                           std::to_string(done_events) + "/" + std::to_string(total_events) + " events, " +
                           std::to_string(pending) + " deliveries pending";
        if (!waiting_on.empty()) line += "; waiting: " + waiting_on.substr(0, 100);
        draw(line);
    }
    void finish() {
        if (enabled_ && drawn_) forwarder::log::set_status_line("");
    }

private:
    bool due() {
        if (!enabled_) return false;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(100)) return false;
        last_ = now;
        return true;
    }
    // Through the log, so the dispatcher's warnings are written above the line, never across it.
    void draw(const std::string& line) {
        forwarder::log::set_status_line(line);
        drawn_ = true;
    }
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_{};
};

bool is_maildir(const std::filesystem::path& dir) {
    std::error_code ec;
    return std::filesystem::is_directory(dir / "cur", ec) && std::filesystem::is_directory(dir / "new", ec);
}

// A mail archive is often a tree (one folder per month, per list, per mailbox): read_messages takes
// one directory level, so walk the tree and hand it each directory; a Maildir is one unit.
void read_tree(const std::string& path, const std::function<void(SourceMessage&&)>& sink) {
    read_messages(path, sink);
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec) || is_maildir(path)) return;
    std::vector<std::filesystem::path> subdirs;
    for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_directory(type_ec) && !it->is_symlink(type_ec)) subdirs.push_back(it->path());
    }
    std::sort(subdirs.begin(), subdirs.end());
    for (const auto& dir : subdirs) read_tree(dir.string(), sink);
}

forwarder::ProducerContext context_template(const conf::Config& config) {
    const conf::MilterConfig milter = config.milter.value_or(conf::MilterConfig{});
    forwarder::ProducerContext ctx;
    ctx.verp_template = milter.verp;
    ctx.forward_delayed = milter.forward_delayed;
    ctx.forward_without_uuid = milter.forward_without_uuid;
    ctx.max_events_per_report = milter.max_events_per_report;
    ctx.reason_types = milter.reason_types;
    ctx.source = milter.source;
    return ctx;
}

}  // namespace

int check_backfill_config(const std::string& config_path) {
    conf::LoadResult loaded = conf::load_file(config_path);
    if (loaded.config) {
        for (auto& problem : conf::environment_problems(*loaded.config)) loaded.errors.push_back(problem);
    }
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
    if (!loaded.errors.empty()) return 1;
    std::cout << config_path << ": OK (outbox " << loaded.config->outbox.path << ")\n";
    return 0;
}

int run_backfill(const BackfillOptions& options) {
    conf::LoadResult loaded = conf::load_file(options.config_path);
    for (const auto& w : loaded.warnings) std::cerr << w.to_string() << "\n";
    if (loaded.config) {
        for (auto& problem : conf::environment_problems(*loaded.config)) loaded.errors.push_back(problem);
    }
    if (!loaded.errors.empty()) {
        for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
        return 2;
    }
    const conf::Config& config = *loaded.config;
    if (forwarder::sink_names(config).empty()) {
        std::cerr << options.config_path << ": no sink configured: add [listmonk], [redis] or [file]\n";
        return 2;
    }
    forwarder::log::configure(forwarder::log::Target::stderr_stream, "bounce-parse", forwarder::log::Level::warning);

    std::unique_ptr<forwarder::Pipeline> pipeline;
    try {
        pipeline = std::make_unique<forwarder::Pipeline>(config);
    } catch (const std::exception& e) {
        std::cerr << "bounce-parse: outbox " << config.outbox.path << ": " << e.what() << "\n";
        return 2;
    }
    forwarder::Outbox& outbox = pipeline->outbox();
    const DeliveryTotals before = sum(outbox.stats());
    pipeline->start();  // deliver while still reading

    struct sigaction sa {};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    Progress progress(options.progress && isatty(STDERR_FILENO));
    Totals totals;
    std::vector<forwarder::Event> batch;
    const forwarder::ProducerContext base = context_template(config);
    bool outbox_failed = false;

    auto flush = [&] {
        if (batch.empty() || outbox_failed) return;
        try {
            const auto r = outbox.enqueue(batch);
            totals.inserted += r.inserted;
            totals.duplicates += r.duplicates;
        } catch (const std::exception& e) {
            std::cerr << "bounce-parse: cannot write to the outbox: " << e.what() << "\n";
            outbox_failed = true;
        }
        batch.clear();
    };

    for (const auto& path : options.paths) {
        if (g_interrupted.load() || outbox_failed) break;
        read_tree(path, [&](SourceMessage&& message) {
            if (g_interrupted.load() || outbox_failed) return;
            ++totals.messages;
            if (!message.error.empty()) {
                ++totals.errors;
                progress.finish();
                std::cerr << message.label << ": " << message.error << "\n";
                return;
            }
            dsn::Options parse_options;
            parse_options.max_recipients = forwarder::kRecipientsReadPerReport;
            const dsn::Report report = dsn::parse(message.bytes, parse_options);
            forwarder::ProducerContext ctx = base;
            ctx.envelope_recipients = delivery_addresses(message.bytes);
            ctx.message = message.bytes;
            ctx.received = message_date(message.bytes).value_or(std::chrono::system_clock::now());
            std::vector<forwarder::SkippedEvent> skipped;
            forwarder::Attribution attribution =
                forwarder::attribute(forwarder::events_from_report(report, ctx, &skipped), report, ctx);
            totals.skipped += skipped.size();
            if (report.events.empty()) ++totals.not_bounces;
            if (attribution.held) {
                const forwarder::HeldReport& held = *attribution.held;
                try {
                    if (outbox.hold(held)) {
                        ++totals.held_reports[held.reason];
                        totals.held_events[held.reason] += held.events.size();
                    }
                } catch (const std::exception& e) {
                    std::cerr << "bounce-parse: cannot write to the outbox: " << e.what() << "\n";
                    outbox_failed = true;
                    return;
                }
                if (held.reason == "suspect") {
                    progress.finish();
                    std::cerr << message.label << ": held as suspect, not forwarded: " << held.why << "\n";
                }
            }
            for (auto& event : attribution.forward) {
                ++totals.by_type[event.type];
                ++totals.events;
                batch.push_back(std::move(event));
            }
            if (batch.size() >= kEnqueueBatch) flush();
            progress.reading(totals);
        });
    }
    flush();

    // Wait for the sinks. The outbox may be shared with a running milter, so progress is measured
    // as deliveries completed since this run started, and "done" as nothing pending at all.
    const std::size_t sinks = forwarder::sink_names(config).size();
    const auto deadline = options.timeout.count() > 0 ? std::chrono::steady_clock::now() + options.timeout
                                                      : std::chrono::steady_clock::time_point::max();
    DeliveryTotals now = sum(outbox.stats());
    bool timed_out = false;
    std::size_t last_done = 0;
    auto last_move = std::chrono::steady_clock::now(), last_asked = last_move;
    std::string waiting_on;  // why nothing moves, once it has not for a while
    while (!outbox_failed && now.pending > 0 && !g_interrupted.load()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            timed_out = true;
            break;
        }
        const std::size_t done = (now.delivered + now.dead) - std::min(now.delivered + now.dead, before.delivered + before.dead);
        const auto moment = std::chrono::steady_clock::now();
        if (done == last_done && moment - last_move > std::chrono::seconds(2) && moment - last_asked > std::chrono::seconds(1)) {
            last_asked = moment;
            waiting_on.clear();
            const auto oldest = outbox.list(forwarder::DeliveryState::pending, "", 1);
            if (!oldest.empty() && !oldest.front().last_error.empty())
                waiting_on = oldest.front().sink + " " + oldest.front().last_error;
        } else if (done != last_done) {
            waiting_on.clear();
            last_done = done;
            last_move = std::chrono::steady_clock::now();
        }
        progress.delivering(done / std::max<std::size_t>(sinks, 1), totals.inserted, now.pending, waiting_on);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        now = sum(outbox.stats());
    }
    pipeline->stop();
    progress.finish();
    now = sum(outbox.stats());

    const std::size_t delivered = now.delivered - std::min(now.delivered, before.delivered);
    const std::size_t dead = now.dead - std::min(now.dead, before.dead);
    std::cout << "messages:     " << totals.messages << "\n"
              << "bounces:      " << totals.events << " events (";
    bool first = true;
    for (const char* type : {"hard", "soft", "complaint"}) {
        std::cout << (first ? "" : ", ") << type << " " << totals.by_type[type];
        first = false;
    }
    std::cout << ")\n"
              << "not bounces:  " << totals.not_bounces << "\n"
              << "skipped:      " << totals.skipped << " (policy: delay warnings, auto-replies)\n"
              << "held:         " << totals.held_events["unattributed"] << " unattributed events ("
              << totals.held_reports["unattributed"] << " reports), " << totals.held_events["suspect"]
              << " in suspect reports (" << totals.held_reports["suspect"]
              << "); kept in the outbox, not forwarded: bounce-outbox list --held\n"
              << "errors:       " << totals.errors << "\n"
              << "new events:   " << totals.inserted << " (" << totals.duplicates << " already in the outbox)\n"
              << "delivered:    " << delivered << " (" << sinks << " sink" << (sinks == 1 ? "" : "s") << ")\n"
              << "dead:         " << dead << "\n"
              << "pending:      " << now.pending << "\n";
    if (outbox_failed) return 2;
    if (now.pending > 0) {
        std::cerr << "bounce-parse: " << (timed_out ? "--timeout reached" : "interrupted") << " with " << now.pending
                  << " deliveries pending; they stay in " << config.outbox.path << "\n";
        return 1;
    }
    if (dead > 0) {
        std::cerr << "bounce-parse: " << dead << " deliveries refused permanently; see `bounce-outbox -c "
                  << options.config_path << " list --dead`\n";
        return 1;
    }
    return totals.errors > 0 ? 1 : 0;
}

}  // namespace tools
