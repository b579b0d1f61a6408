// The outbox when its file cannot grow (a full disk, a file-size limit): an enqueue must fail with a
// clear OutboxError and leave nothing half-written, and once space is back the same Outbox object must
// take events again. The milter relies on both: it tempfails what it could not store and keeps running.
#include "file_size_limit.hpp"
#include "forwarder/outbox.hpp"
#include "sample_event.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace forwarder;
using test_support::FileSizeLimit;
using test_support::TempDir;

namespace {

Event make_event(const std::string& key) { return test_support::sample_event(key); }

std::size_t pending(Outbox& o) {
    std::size_t n = 0;
    for (const auto& s : o.stats()) n += s.pending;
    return n;
}

}  // namespace

TEST_CASE("outbox: an enqueue that cannot be written fails cleanly and the outbox recovers") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"file"});
    REQUIRE(outbox.enqueue({make_event("before")}).inserted == 1);
    {
        FileSizeLimit full(0);
        for (int attempt = 0; attempt < 3; ++attempt) {  // failing again and again must not wedge anything
            try {
                outbox.enqueue({make_event("during"), make_event("during-2")});
                FAIL("an enqueue succeeded although no file may grow");
            } catch (const OutboxError& e) {
                CHECK(std::string(e.what()).find("outbox") != std::string::npos);
            }
        }
    }
    // Nothing of the failed enqueues was kept: the retry (as the sending MTA's) stores both events anew.
    const EnqueueResult retried = outbox.enqueue({make_event("during"), make_event("during-2")});
    CHECK(retried.inserted == 2);
    CHECK(retried.duplicates == 0);
    CHECK(outbox.enqueue({make_event("during")}).duplicates == 1);
    CHECK(pending(outbox) == 3);

    // The delivery side works again too.
    const auto claimed = outbox.claim_due("file", 10, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 3);
    for (const auto& d : claimed) outbox.mark_delivered(d.event_id, "file");
    CHECK(pending(outbox) == 0);

    // A fresh connection sees the same, uncorrupted file.
    Outbox reopened(dir.file("o.sqlite"), {"file"});
    CHECK(reopened.enqueue({make_event("before"), make_event("during"), make_event("during-2")}).duplicates == 3);
}
