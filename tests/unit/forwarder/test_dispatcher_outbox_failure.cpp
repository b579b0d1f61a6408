// A delivery worker whose outbox stops taking writes right after a sink accepted an event (disk full
// between the delivery and its bookkeeping). The event must not be delivered a second time when its
// lease runs out, and the rest of the claimed batch must go out as soon as the outbox works again,
// not a whole lease later.
#include "file_size_limit.hpp"
#include "forwarder/dispatcher.hpp"
#include "forwarder/outbox.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

using namespace forwarder;
using namespace std::chrono_literals;
using test_support::FileSizeLimit;
using test_support::TempDir;

namespace {

// Counts deliveries per event; the first delivery waits until the test lets it finish, so the test
// can break the outbox while the sink holds the event.
class GatedSink : public Sink {
public:
    const std::string& name() const override { return name_; }

    DeliveryResult deliver(const Event& event) noexcept override {
        std::unique_lock lock(mutex_);
        ++delivered_[event.idempotency_key];
        if (!first_seen_) {
            first_seen_ = true;
            cv_.notify_all();
            cv_.wait(lock, [this] { return released_; });
        }
        return DeliveryResult::ok();
    }

    bool wait_for_first(std::chrono::milliseconds limit) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, limit, [this] { return first_seen_; });
    }

    void release() {
        std::lock_guard lock(mutex_);
        released_ = true;
        cv_.notify_all();
    }

    std::map<std::string, int> delivered() {
        std::lock_guard lock(mutex_);
        return delivered_;
    }

private:
    std::string name_ = "mem";
    std::mutex mutex_;
    std::condition_variable cv_;
    bool first_seen_ = false;
    bool released_ = false;
    std::map<std::string, int> delivered_;
};

Event make_event(int i) {
    Event e;
    e.idempotency_key = "key-" + std::to_string(i);
    e.email = "user" + std::to_string(i) + "@example.org";
    e.type = "hard";
    e.source = "test";
    e.created_at = "2026-07-21T10:00:00Z";
    return e;
}

std::size_t in_state(Outbox& o, DeliveryState state) {
    for (const auto& s : o.stats()) {
        if (s.sink == "mem") {
            return state == DeliveryState::delivered ? s.delivered : state == DeliveryState::dead ? s.dead : s.pending;
        }
    }
    return 0;
}

}  // namespace

TEST_CASE("dispatcher: an outbox write failure after a delivery neither repeats it nor holds back the batch") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"mem"});
    constexpr int kEvents = 5;
    std::vector<Event> events;
    for (int i = 0; i < kEvents; ++i) events.push_back(make_event(i));
    REQUIRE(outbox.enqueue(events).inserted == kEvents);

    auto owned = std::make_unique<GatedSink>();
    GatedSink& sink = *owned;
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(owned));
    DispatcherOptions options;
    options.retry.initial = 50ms;
    options.retry.maximum = 200ms;
    options.poll = 50ms;
    options.lease = 8s;  // a re-delivery after the lease would come long after the checks below
    Dispatcher dispatcher(outbox, std::move(sinks), options);
    dispatcher.start();

    REQUIRE(sink.wait_for_first(10s));  // the whole batch is claimed and the first event is in the sink
    {
        FileSizeLimit disk_full(0);
        sink.release();
        // The worker now fails to record the delivery, and keeps failing while the disk is full.
        std::this_thread::sleep_for(400ms);
        CHECK(in_state(outbox, DeliveryState::delivered) == 0);
    }
    // Well within the lease: everything is delivered and recorded, once.
    const bool all_recorded =
        test_support::wait_until([&] { return in_state(outbox, DeliveryState::delivered) == kEvents; }, 4s);
    dispatcher.stop();
    CHECK(all_recorded);
    CHECK(in_state(outbox, DeliveryState::pending) == 0);
    const auto delivered = sink.delivered();
    CHECK(delivered.size() == static_cast<std::size_t>(kEvents));
    for (const auto& [key, times] : delivered) {
        INFO(key);
        CHECK(times == 1);
    }
}
