// bounce-outbox: inspect and repair a (possibly live) outbox: list pending and dead-letter events,
// show why one failed, requeue or purge them, and print health for monitoring.
#include "conf/command_line.hpp"
#include "conf/config.hpp"
#include "conf/environment.hpp"
#include "forwarder/clock.hpp"
#include "forwarder/dispatcher.hpp"
#include "forwarder/outbox.hpp"
#include "tools/outbox_lookup.hpp"
#include "tools/outbox_stats_command.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace {

std::string age(std::int64_t ms) {
    if (ms < 0) ms = 0;
    const std::int64_t s = ms / 1000;
    if (s < 120) return std::to_string(s) + "s";
    if (s < 7200) return std::to_string(s / 60) + "m";
    if (s < 2 * 86400) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "d";
}

std::string when(std::int64_t epoch_ms) {
    return forwarder::rfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(epoch_ms)));
}

std::string who(const forwarder::Event& e) {
    return e.subscriber_uuid.empty() ? e.email : e.subscriber_uuid + (e.email.empty() ? "" : " (" + e.email + ")");
}

std::string one_line(std::string text, std::size_t width) {
    for (char& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (text.size() > width) text = text.substr(0, width - 3) + "...";
    return text;
}

nlohmann::json delivery_json(const forwarder::Delivery& d) {
    return {{"id", d.event_id},
            {"sink", d.sink},
            {"state", forwarder::to_string(d.state)},
            {"attempts", d.attempts},
            {"next_attempt_at", d.state == forwarder::DeliveryState::pending ? when(d.next_attempt_ms) : ""},
            {"last_error", d.last_error},
            {"created_at", when(d.created_ms)},
            {"updated_at", when(d.updated_ms)},
            {"idempotency_key", d.event.idempotency_key},
            {"body", forwarder::listmonk_body(d.event)}};
}

void print_json(const nlohmann::json& j) { std::cout << forwarder::dump_json(j) << "\n"; }

nlohmann::json held_json(const forwarder::HeldRow& h) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : h.report.events) events.push_back(forwarder::listmonk_body(e));
    return {{"id", h.id},
            {"reason", h.report.reason},
            {"why", h.report.why},
            {"created_at", when(h.created_ms)},
            {"queue_id", h.report.queue_id},
            {"dsn_message_id", h.report.dsn_message_id},
            {"recipients", h.report.recipients},
            {"recipients_capped", h.report.recipients_capped},
            {"events", std::move(events)}};
}

std::string held_recipients(const forwarder::HeldReport& r, std::size_t width) {
    std::string out;
    for (const auto& e : r.events) {
        if (!out.empty()) out += ", ";
        out += who(e);
        if (out.size() > width) break;
    }
    return one_line(out, width);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"bounce-outbox: list, explain, retry, requeue and purge outbox events; print outbox health"};
    app.require_subcommand(0, 1);
    // Options of the program are accepted after the subcommand too: `bounce-outbox list --sink listmonk -c FILE`.
    app.fallthrough();
    std::string config_path = "/etc/bounce-milter/bounce-milter.toml";
    std::string outbox_path;
    std::string sink;
    bool json = false;
    bool check_config = false;
    app.add_option("-c,--config", config_path,
                   "configuration file whose [outbox] path to use (default: /etc/bounce-milter/bounce-milter.toml)");
    app.add_option("--outbox", outbox_path, "outbox file (instead of -c)");
    app.add_option("--sink", sink, "only this sink's deliveries (listmonk, redis, file)");
    app.add_flag("--json", json, "JSON Lines output");
    app.add_flag("--check-config", check_config, "validate the configuration, print every error, exit 0/1");
    command_line::add_version(app, "bounce-outbox");

    auto* list = app.add_subcommand("list", "list pending (default) or dead-letter deliveries, oldest first");
    bool list_pending = false, list_dead = false, list_delivered = false;
    std::size_t limit = 100;
    list->add_flag("--pending", list_pending, "pending deliveries (the default)");
    list->add_flag("--dead", list_dead, "dead letters (refused permanently)");
    list->add_flag("--delivered", list_delivered, "delivered events (the deduplication memory)");
    list->add_option("--limit", limit, "at most this many rows (default 100)");
    bool list_held = false, list_unattributed = false, list_suspect = false;
    list->add_flag("--held", list_held, "reports held back, never forwarded (unattributed and suspect)");
    list->add_flag("--unattributed", list_unattributed, "held reports whose events carry no subscriber UUID");
    list->add_flag("--suspect", list_suspect, "held reports naming more events than max_events_per_report");

    auto* show_held = app.add_subcommand("show-held", "one held report: why it was held and every event in it");
    std::int64_t show_held_id = 0;
    show_held->add_option("ID", show_held_id, "held report id (first column of list --held)")->required();

    auto* release = app.add_subcommand("release", "forward a held report after all (needs -c for its sinks)");
    std::int64_t release_id = 0;
    release->add_option("ID", release_id, "held report id")->required();

    auto* show = app.add_subcommand("show", "one event: its body and, per sink, state, attempts and last error");
    std::int64_t show_id = 0;
    show->add_option("ID", show_id, "event id (first column of list)")->required();

    auto* requeue = app.add_subcommand("requeue", "dead letters back to pending, due now, attempts reset");
    std::int64_t requeue_id = 0;
    bool requeue_all = false;
    auto* rid = requeue->add_option("ID", requeue_id, "event id");
    auto* rall = requeue->add_flag("--all-dead", requeue_all, "every dead letter");
    rid->excludes(rall);
    requeue->require_option(1);

    auto* purge = app.add_subcommand("purge", "delete pending and dead deliveries of one event, or all dead letters");
    std::int64_t purge_id = 0;
    bool purge_dead = false;
    auto* pid = purge->add_option("ID", purge_id, "event id");
    auto* pdead = purge->add_flag("--dead", purge_dead, "every dead letter");
    std::int64_t purge_held_id = 0;
    bool purge_all_held = false;
    auto* pheld = purge->add_option("--held-report", purge_held_id, "one held report");
    auto* pall_held = purge->add_flag("--all-held", purge_all_held, "every held report");
    pid->excludes(pdead)->excludes(pheld)->excludes(pall_held);
    pdead->excludes(pheld)->excludes(pall_held);
    pheld->excludes(pall_held);
    purge->require_option(1);

    auto* retry = app.add_subcommand("retry", "pending deliveries due now (a running daemon tries them at once)");
    std::int64_t retry_id = 0;
    retry->add_option("ID", retry_id, "event id (default: every pending delivery)");

    auto* health = app.add_subcommand("health",
                                      "depth per sink and state, oldest pending age; exit 1 when unhealthy (dead "
                                      "letters, a backlog older than --max-age, or a configuration problem)");
    int max_age_seconds = 3600;
    health->add_option("--max-age", max_age_seconds, "unhealthy when the oldest pending event is older (default 3600 s)");

    auto* stats_command_line = app.add_subcommand("stats", "bounces by receiver, reason and type in a window vs the one before; "
                                              "reputation reasons flagged with the receivers' replies");
    tools::StatsCommand stats_command;
    tools::add_stats_options(*stats_command_line, stats_command);

    if (const int rc = command_line::parse(app, argc, argv); rc >= 0) return rc;
    if (!check_config && app.get_subcommands().empty()) {
        std::cerr << app.help() << "bounce-outbox: a subcommand is required\n";
        return 2;
    }

    std::vector<std::string> release_sinks;
    if (outbox_path.empty() || check_config) {
        conf::LoadResult loaded = conf::load_file(config_path);
        for (const auto& w : loaded.warnings) std::cerr << w.to_string() << "\n";
        if (loaded.config) {
            for (auto& problem : conf::environment_problems(*loaded.config)) loaded.errors.push_back(problem);
        }
        if (!loaded.errors.empty()) {
            for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
            return check_config ? 1 : 2;
        }
        if (check_config) {
            std::cout << config_path << ": OK (outbox " << loaded.config->outbox.path << ")\n";
            return 0;
        }
        outbox_path = loaded.config->outbox.path;
        release_sinks = forwarder::sink_names(*loaded.config);
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(outbox_path, ec)) {
        std::cerr << "bounce-outbox: no outbox at " << outbox_path << " (nothing was ever enqueued there?)\n";
        return 2;
    }

    try {
        // The sink list only matters for enqueueing, which this tool never does.
        if (*release && release_sinks.empty()) {
            std::cerr << "bounce-outbox: release needs -c CONFIG naming the sinks to forward to\n";
            return 2;
        }
        forwarder::Outbox outbox(outbox_path, release_sinks);
        const std::int64_t now = forwarder::now_ms();

        if (*list && (list_held || list_unattributed || list_suspect)) {
            const std::string reason = list_unattributed && !list_suspect ? "unattributed"
                                       : list_suspect && !list_unattributed ? "suspect"
                                                                            : "";
            const auto rows = outbox.list_held(reason, limit);
            if (!json) std::printf("%-8s %-12s %6s %6s %-40s %s\n", "ID", "HELD", "AGE", "EVENTS", "RECIPIENTS", "WHY");
            for (const auto& h : rows) {
                if (json) {
                    print_json(held_json(h));
                    continue;
                }
                const std::string count = std::to_string(h.report.recipients) + (h.report.recipients_capped ? "+" : "");
                std::printf("%-8lld %-12s %6s %6s %-40s %s\n", static_cast<long long>(h.id), h.report.reason.c_str(),
                            age(now - h.created_ms).c_str(), count.c_str(),
                            held_recipients(h.report, 40).c_str(), one_line(h.report.why, 100).c_str());
            }
            if (!json && rows.size() == limit) std::printf("(first %zu shown; --limit for more)\n", limit);
            return 0;
        }

        if (*show_held) {
            const auto row = outbox.held(show_held_id);
            if (!row) {
                std::cerr << "bounce-outbox: no held report " << show_held_id << "\n";
                return 1;
            }
            if (json) {
                print_json(held_json(*row));
                return 0;
            }
            const auto& r = row->report;
            std::cout << "held report " << row->id << " (" << r.reason << ", held " << when(row->created_ms) << ")\n"
                      << "  why:        " << r.why << "\n"
                      << "  queue id:   " << r.queue_id << "\n"
                      << "  message-id: " << r.dsn_message_id << "\n"
                      << "  recipients: " << r.recipients << (r.recipients_capped ? " (more not read)" : "") << "\n";
            for (const auto& e : r.events)
                std::cout << "  event:      " << forwarder::dump_json(forwarder::listmonk_body(e)) << "\n";
            return 0;
        }

        if (*release) {
            const auto result = outbox.release_held(release_id);
            if (!result) {
                std::cerr << "bounce-outbox: no held report " << release_id << "\n";
                return 1;
            }
            std::cout << "released held report " << release_id << ": " << result->inserted << " events enqueued ("
                      << result->duplicates << " already in the outbox)\n";
            return 0;
        }

        if (*list) {
            const auto state = list_dead ? forwarder::DeliveryState::dead
                               : list_delivered ? forwarder::DeliveryState::delivered
                                                : forwarder::DeliveryState::pending;
            const auto rows = outbox.list(state, sink, limit);
            if (!json) {
                std::printf("%-8s %-9s %-9s %5s %6s %-21s %-5s %-36s %s\n", "ID", "SINK", "STATE", "TRIES", "AGE",
                            "NEXT ATTEMPT", "TYPE", "RECIPIENT", "LAST ERROR");
            }
            for (const auto& d : rows) {
                if (json) {
                    print_json(delivery_json(d));
                    continue;
                }
                const std::string next = d.state == forwarder::DeliveryState::pending
                                             ? (d.next_attempt_ms <= now ? "now" : "in " + age(d.next_attempt_ms - now))
                                             : "-";
                std::printf("%-8lld %-9s %-9s %5d %6s %-21s %-5s %-36s %s\n", static_cast<long long>(d.event_id),
                            d.sink.c_str(), forwarder::to_string(d.state), d.attempts, age(now - d.created_ms).c_str(),
                            next.c_str(), d.event.type.c_str(), one_line(who(d.event), 36).c_str(),
                            one_line(d.last_error, 80).c_str());
            }
            if (!json && rows.size() == limit) std::printf("(first %zu shown; --limit for more)\n", limit);
            return 0;
        }

        if (*show) {
            const auto rows = tools::deliveries_of(outbox_path, show_id);
            if (rows.empty()) {
                std::cerr << "bounce-outbox: no event " << show_id << "\n";
                return 1;
            }
            if (json) {
                for (const auto& d : rows) print_json(delivery_json(d));
                return 0;
            }
            const auto& e = rows.front().event;
            std::cout << "event " << show_id << " (created " << when(rows.front().created_ms) << ", "
                      << age(now - rows.front().created_ms) << " ago)\n"
                      << "  key:       " << e.idempotency_key << "\n"
                      << "  recipient: " << who(e) << "\n"
                      << "  type:      " << e.type << "\n"
                      << "  body:      " << forwarder::dump_json(forwarder::listmonk_body(e)) << "\n";
            for (const auto& d : rows) {
                std::cout << "  sink " << d.sink << ": " << forwarder::to_string(d.state) << " after " << d.attempts
                          << " attempt" << (d.attempts == 1 ? "" : "s") << ", last change " << when(d.updated_ms);
                if (d.state == forwarder::DeliveryState::pending) {
                    std::cout << ", next attempt " << (d.next_attempt_ms <= now ? "now" : when(d.next_attempt_ms));
                }
                std::cout << "\n";
                if (!d.last_error.empty()) std::cout << "    last error: " << d.last_error << "\n";
            }
            return 0;
        }

        if (*requeue) {
            const std::size_t n = outbox.requeue(sink, requeue_all ? 0 : requeue_id, false);
            std::cout << "requeued " << n << " dead deliver" << (n == 1 ? "y" : "ies") << "\n";
            // A running milter or backfill picks them up at its next poll ([outbox] poll_interval).
            return n > 0 || requeue_all ? 0 : 1;
        }

        if (*retry) {
            const std::size_t n = outbox.retry_now(sink, retry_id);
            std::cout << "due now: " << n << " pending deliver" << (n == 1 ? "y" : "ies") << "\n";
            return n > 0 || retry_id == 0 ? 0 : 1;
        }

        if (*purge && (purge_all_held || purge_held_id != 0)) {
            const std::size_t n = outbox.purge_held(purge_all_held ? 0 : purge_held_id);
            std::cout << "purged " << n << " held report" << (n == 1 ? "" : "s") << "\n";
            return n > 0 || purge_all_held ? 0 : 1;
        }

        if (*purge) {
            std::size_t n = outbox.purge(forwarder::DeliveryState::dead, sink, purge_dead ? 0 : purge_id);
            if (!purge_dead) n += outbox.purge(forwarder::DeliveryState::pending, sink, purge_id);
            std::cout << "purged " << n << " deliver" << (n == 1 ? "y" : "ies") << "\n";
            return n > 0 || purge_dead ? 0 : 1;
        }

        if (*stats_command_line) return tools::run_stats(outbox_path, stats_command, json, now);

        if (*health) {
            const auto stats = outbox.stats();
            bool healthy = true;
            nlohmann::json out = nlohmann::json::array();
            if (!json) std::printf("%-9s %9s %9s %9s %12s\n", "SINK", "PENDING", "DEAD", "DELIVERED", "OLDEST");
            for (const auto& s : stats) {
                if (!sink.empty() && s.sink != sink) continue;
                const std::size_t config_problems = outbox.config_problems(s.sink);
                const bool ok = s.dead == 0 && config_problems == 0 &&
                                s.oldest_pending_age_ms <= std::int64_t{max_age_seconds} * 1000;
                healthy = healthy && ok;
                if (json) {
                    out.push_back({{"sink", s.sink},
                                   {"pending", s.pending},
                                   {"dead", s.dead},
                                   {"delivered", s.delivered},
                                   {"oldest_pending_age_seconds", s.oldest_pending_age_ms / 1000},
                                   {"config_problems", config_problems},
                                   {"healthy", ok}});
                } else {
                    std::printf("%-9s %9zu %9zu %9zu %12s%s%s\n", s.sink.c_str(), s.pending, s.dead, s.delivered,
                                s.pending ? age(s.oldest_pending_age_ms).c_str() : "-", ok ? "" : "  <- attention",
                                config_problems ? " (configuration problem: see `list`)" : "");
                }
            }
            // Held reports do not make the outbox unhealthy (holding them is the point), but they are shown.
            const auto held = outbox.held_counts();
            if (json) {
                print_json({{"outbox", outbox_path}, {"healthy", healthy}, {"sinks", out}, {"held", held}});
            } else {
                std::printf("held:     %zu unattributed, %zu suspect report(s), never forwarded (list --held)\n",
                            held.at("unattributed"), held.at("suspect"));
                std::printf("%s\n", healthy ? "healthy"
                                             : "unhealthy: dead letters, events pending longer than --max-age, or a "
                                               "configuration problem (401/403, listmonk refusing)");
            }
            return healthy ? 0 : 1;
        }
    } catch (const std::exception& e) {
        std::cerr << "bounce-outbox: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
