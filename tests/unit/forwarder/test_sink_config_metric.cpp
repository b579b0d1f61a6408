// bounce_sink_config_problem: 1 while a sink's latest attempt failed for its configuration (what
// BounceSinkConfigProblem alerts on), back to 0 once it delivers again; bounce_sink_attempts_total
// counts every attempt by its class.
#include "forwarder/dispatcher.hpp"
#include "forwarder/outbox.hpp"
#include "forwarder/outbox_metrics.hpp"
#include "sample_event.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace forwarder;
using namespace std::chrono_literals;
using test_support::TempDir;

namespace {

// Answers as the test says: a 403-like configuration problem, a plain temporary failure, or success.
class ScriptedSink : public Sink {
public:
    enum class Answer { config_problem, temporary, refused, ok };
    explicit ScriptedSink(std::atomic<Answer>& answer) : answer_(answer) {}
    const std::string& name() const override { return name_; }
    DeliveryResult deliver(const Event&) noexcept override {
        switch (answer_.load()) {
            case Answer::config_problem: return DeliveryResult::retry("403 Forbidden", true);
            case Answer::temporary: return DeliveryResult::retry("503 Service Unavailable");
            case Answer::refused: return DeliveryResult::permanent("400 invalid email");
            case Answer::ok: break;
        }
        return DeliveryResult::ok();
    }

private:
    std::string name_ = "mem";
    std::atomic<Answer>& answer_;
};

bool shows(metrics::Registry& registry, const std::string& line) {
    return registry.render().find(line + "\n") != std::string::npos;
}

// The number a rendered page gives one series, or -1 when the series is absent.
double value_of(metrics::Registry& registry, const std::string& series) {
    const std::string page = registry.render();
    const auto at = page.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(page.substr(at + series.size() + 2));
}

// One outbox, one scripted sink named "mem" behind a dispatcher with short retry delays, and the
// metrics page that reads it. The dispatcher is stopped before the outbox goes away.
struct ScriptedDispatch {
    explicit ScriptedDispatch(ScriptedSink::Answer first) : answer(first) {
        std::vector<std::unique_ptr<Sink>> sinks;
        sinks.push_back(std::make_unique<ScriptedSink>(answer));
        DispatcherOptions options;
        options.retry = {5ms, 20ms, 5ms};
        options.poll = 10ms;
        options.probe_interval = 20ms;
        dispatcher = std::make_unique<Dispatcher>(outbox, std::move(sinks), options);
        add_sink_metrics(registry, *dispatcher);
    }
    ~ScriptedDispatch() { dispatcher->stop(); }

    TempDir dir;
    Outbox outbox{dir.file("outbox.sqlite"), {"mem"}};
    std::atomic<ScriptedSink::Answer> answer;
    std::unique_ptr<Dispatcher> dispatcher;
    metrics::Registry registry;
};

}  // namespace

TEST_CASE("the config-problem gauge follows the sink's latest answer", "[dispatcher][metrics]") {
    ScriptedDispatch run(ScriptedSink::Answer::config_problem);
    auto& answer = run.answer;
    const auto gauge_is = [&](const char* value) {
        return shows(run.registry, std::string("bounce_sink_config_problem{sink=\"mem\"} ") + value);
    };
    CHECK(gauge_is("0"));

    run.dispatcher->start();
    run.outbox.enqueue({test_support::sample_event("one")});
    CHECK(test_support::wait_until([&] { return gauge_is("1"); }, 20s));
    // A temporary failure is not a configuration problem.
    answer = ScriptedSink::Answer::temporary;
    CHECK(test_support::wait_until([&] { return gauge_is("0"); }, 20s));
    answer = ScriptedSink::Answer::config_problem;
    CHECK(test_support::wait_until([&] { return gauge_is("1"); }, 20s));
    answer = ScriptedSink::Answer::ok;
    CHECK(test_support::wait_until([&] { return run.outbox.stats().front().delivered == 1; }, 20s));
    CHECK(gauge_is("0"));
}

TEST_CASE("every delivery attempt is counted under its class", "[dispatcher][metrics]") {
    ScriptedDispatch run(ScriptedSink::Answer::temporary);
    auto& answer = run.answer;
    const auto count = [&](const std::string& result) {
        return value_of(run.registry, "bounce_sink_attempts_total{sink=\"mem\",result=\"" + result + "\"}");
    };
    for (const char* result : {"delivered", "temporary", "config", "refused"}) CHECK(count(result) == 0);

    run.dispatcher->start();
    run.outbox.enqueue({test_support::sample_event("one")});
    CHECK(test_support::wait_until([&] { return count("temporary") >= 2; }, 20s));
    answer = ScriptedSink::Answer::config_problem;
    CHECK(test_support::wait_until([&] { return count("config") >= 1; }, 20s));
    answer = ScriptedSink::Answer::ok;
    CHECK(test_support::wait_until([&] { return count("delivered") == 1; }, 20s));
    answer = ScriptedSink::Answer::refused;
    run.outbox.enqueue({test_support::sample_event("two")});
    CHECK(test_support::wait_until([&] { return count("refused") == 1; }, 20s));
    CHECK(run.outbox.stats().front().dead == 1);
    // Only the one event was refused, and nothing was delivered twice.
    CHECK(count("delivered") == 1);
}
