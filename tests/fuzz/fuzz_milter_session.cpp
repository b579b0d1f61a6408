// Fuzz target: the milter's per-connection logic (milter::Session with its MessageBuffer and
// BounceScope) driven by a fuzz-decoded sequence of MTA callbacks, exactly as milter/callbacks.cpp
// forwards them, without libmilter. A small model of the session runs alongside and every verdict is
// checked against it: the promises are that nothing is accepted at RCPT, only bounce copies are ever
// removed, a failed capture is tempfailed (never silently accepted) over SMTP, and the bytes handed to
// the capturer are exactly the reconstructed message prefix.
//
// Input layout:
//   byte 0   policy: bits 0-1 on_bounce (accept, tag, discard, discard), bit 2 on_error accept (else
//            tempfail), bit 3 the real OutboxCapturer (dsn::parse -> outbox in a temp dir) instead of a
//            scripted one, bit 4 header values arrive with their leading space, bit 5 the MTA does not
//            understand SKIP
//   byte 1   max_message_bytes = 64 + 256 * byte (the default 1 MiB when 255)
//   then     operations, each an opcode byte followed by its strings (2-byte big-endian length, then
//            the bytes; clamped to what is left):
//            0 MAIL s   1 RCPT s s({rcpt_addr})   2 DATA   3 HEADER s s   4 EOH   5 BODY s   6 EOM s(queue id)
//            7 ABORT    8 CLOSE    9 RELOAD b (new policy byte, as byte 0)   10 SCRIPT b (next scripted
//            capture outcome: low 3 bits status, 5 = throw)
#include "conf/config.hpp"
#include "forwarder/outbox.hpp"
#include "milter/outbox_capturer.hpp"
#include "milter/session.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

using milter::CaptureOutcome;
using milter::Verdict;
using Status = CaptureOutcome::Status;

const std::vector<std::string> kBounceAddresses = {"bounces@lists.example.com", "@bounce.example.com"};

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    bool empty() const { return pos_ >= size_; }
    std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
    std::string_view str() {
        std::size_t len = static_cast<std::size_t>(byte()) << 8;
        len |= byte();
        len = std::min(len, size_ - std::min(pos_, size_));
        const std::string_view s(reinterpret_cast<const char*>(data_ + pos_), len);
        pos_ += len;
        return s;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

// The outbox the real capturer writes to: one per process in a private temporary directory (on tmpfs
// when there is one, so the durable commits cost little), removed at exit.
class TempOutbox {
public:
    TempOutbox() {
        const std::filesystem::path base = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                                : std::filesystem::temp_directory_path();
        std::string pattern = (base / "bounce-fuzz-milter-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) std::abort();
        dir_ = pattern;
        outbox_ = std::make_unique<forwarder::Outbox>((dir_ / "outbox.sqlite").string(), std::vector<std::string>{"listmonk"});
    }
    ~TempOutbox() {
        outbox_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    forwarder::Outbox& outbox() { return *outbox_; }

private:
    std::filesystem::path dir_;
    std::unique_ptr<forwarder::Outbox> outbox_;
};

// Answers with the outcome the input scripted, and records what it was given for the checks.
struct ScriptedCapturer final : milter::Capturer {
    std::uint8_t script = 3;  // recorded
    bool called = false;
    std::string message;
    milter::MessageInfo info;

    CaptureOutcome capture(std::string_view m, const milter::MessageInfo& i) override {
        called = true;
        message = std::string(m);
        info = i;
        const int status = script & 7;
        if (status == 5) throw std::runtime_error("scripted capture failure");
        if (status == 6) throw 42;  // not even an exception type: must still be contained
        CaptureOutcome o;
        o.status = static_cast<Status>(status > 4 ? 4 : status);
        if (o.status == Status::recorded || o.status == Status::filtered)
            o.events = {{"user@dest.example", (script & 8) ? "soft" : "hard", (script & 16) ? "" : "mailbox-full", "other"}};
        if (o.status == Status::failed) o.error = "scripted outbox failure";
        return o;
    }
};

// Wraps the real capturer to see what it was given and what it answered.
struct RecordingCapturer final : milter::Capturer {
    explicit RecordingCapturer(std::shared_ptr<milter::Capturer> inner) : inner(std::move(inner)) {}
    std::shared_ptr<milter::Capturer> inner;
    bool called = false;
    std::string message;
    milter::MessageInfo info;
    CaptureOutcome capture(std::string_view m, const milter::MessageInfo& i) override {
        called = true;
        message = std::string(m);
        info = i;
        return inner->capture(m, i);
    }
};

struct PolicyChoice {
    conf::OnBounce on_bounce;
    conf::OnError on_error;
    bool real_capturer;
    std::size_t max_bytes;
};

PolicyChoice choose(std::uint8_t bits, std::size_t max_bytes) {
    static constexpr conf::OnBounce bounce[] = {conf::OnBounce::accept, conf::OnBounce::tag, conf::OnBounce::discard,
                                                conf::OnBounce::discard};
    return {bounce[bits & 3], (bits & 4) ? conf::OnError::accept : conf::OnError::tempfail, (bits & 8) != 0, max_bytes};
}

// What the session should be doing, tracked independently.
struct Model {
    bool in_message = false;
    PolicyChoice policy{};
    bool internal = false;
    std::size_t bounce = 0, other = 0;
    std::vector<std::string> bounce_raw;
    std::string buffer;
    bool headers_done = false, truncated = false;

    void start(const PolicyChoice& p) {
        *this = Model{};
        in_message = true;
        policy = p;
    }
    void append(std::string_view piece) {
        const std::size_t room = buffer.size() < policy.max_bytes ? policy.max_bytes - buffer.size() : 0;
        if (piece.size() > room) {
            truncated = true;
            piece = piece.substr(0, room);
        }
        buffer.append(piece);
    }
    void header(std::string_view name, std::string_view value, bool leading_space) {
        if (headers_done) return;
        std::string line(name);
        line += ':';
        if (!leading_space) line += ' ';
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r')) line += '\r';
            line += value[i];
        }
        line += "\r\n";
        if (buffer.size() + line.size() > policy.max_bytes) truncated = true;
        else buffer += line;
    }
    void end_headers() {
        if (!headers_done) append("\r\n");
        headers_done = true;
    }
};

// The verdict every pre-EOM callback owes: accept as soon as the message has no bounce recipient.
void check_early(Verdict v, const Model& m, bool body, bool mta_skips) {
    if (m.bounce == 0) {
        FUZZ_CHECK(v == Verdict::accept, "message without bounce recipients not accepted early");
        return;
    }
    if (body && m.buffer.size() >= m.policy.max_bytes)
        FUZZ_CHECK(v == (mta_skips ? Verdict::skip : Verdict::proceed), "full buffer not answered with skip");
    else FUZZ_CHECK(v == Verdict::proceed, "bounce message not continued");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static TempOutbox temp_outbox;
    static const auto real_config = [] {
        auto c = std::make_shared<conf::Config>();
        c->milter = conf::MilterConfig{};
        c->milter->bounce_addresses = kBounceAddresses;
        return std::shared_ptr<const conf::Config>(c);
    }();
    if (size < 2) return 0;
    Input in(data, size);
    const std::uint8_t policy_bits = in.byte();
    const std::uint8_t size_byte = in.byte();
    const std::size_t max_bytes = size_byte == 255 ? (1u << 20) : 64 + 256 * static_cast<std::size_t>(size_byte);

    auto scripted = std::make_shared<ScriptedCapturer>();
    auto recording = std::make_shared<RecordingCapturer>(
        std::make_shared<milter::OutboxCapturer>(real_config, temp_outbox.outbox()));
    PolicyChoice current = choose(policy_bits, max_bytes);
    std::shared_ptr<const milter::Policy> policy;
    auto rebuild = [&] {
        conf::MilterConfig c;
        c.bounce_addresses = kBounceAddresses;
        c.on_bounce = current.on_bounce;
        c.on_error = current.on_error;
        c.max_message_bytes = current.max_bytes;
        policy = std::make_shared<const milter::Policy>(
            c, current.real_capturer ? std::shared_ptr<milter::Capturer>(recording) : scripted);
    };
    rebuild();

    milter::Session session([&] { return policy; });
    const bool leading_space = (policy_bits & 16) != 0;
    const bool mta_skips = (policy_bits & 32) == 0;
    session.set_header_value_has_leading_space(leading_space);
    session.set_mta_understands_skip(mta_skips);
    Model m;
    const milter::BounceScope scope(kBounceAddresses);
    auto lazily_started = [&] {
        if (!m.in_message) m.start(current);
    };

    for (int ops = 0; !in.empty() && ops < 4096; ++ops) {
        switch (in.byte() % 11) {
            case 0: {  // MAIL
                const std::string_view sender = in.str();
                m.start(current);
                m.internal = sender.empty() || sender.front() != '<';
                FUZZ_CHECK(session.on_mail(sender) == Verdict::proceed, "MAIL not continued");
                FUZZ_CHECK(session.internal() == m.internal, "internal flag differs");
                break;
            }
            case 1: {  // RCPT
                const std::string_view raw = in.str();
                const std::string_view addr = in.str();
                lazily_started();
                const bool bounce = scope.matches(raw) || (!addr.empty() && scope.matches(addr));
                if (bounce) {
                    ++m.bounce;
                    m.bounce_raw.emplace_back(raw);
                } else {
                    ++m.other;
                }
                FUZZ_CHECK(session.on_rcpt(raw, addr) == Verdict::proceed, "RCPT answered with other than continue");
                FUZZ_CHECK(session.has_bounce_recipient() == (m.bounce > 0), "bounce recipient count differs");
                break;
            }
            case 2:
                lazily_started();
                check_early(session.on_data(), m, false, mta_skips);
                break;
            case 3: {  // HEADER
                const std::string_view name = in.str();
                const std::string_view value = in.str();
                lazily_started();
                const Verdict v = session.on_header(name, value);
                check_early(v, m, false, mta_skips);
                if (m.bounce > 0) m.header(name, value, leading_space);
                break;
            }
            case 4:
                lazily_started();
                check_early(session.on_end_of_headers(), m, false, mta_skips);
                break;
            case 5: {  // BODY
                const std::string_view chunk = in.str();
                lazily_started();
                if (m.bounce > 0) {
                    m.end_headers();
                    m.append(chunk);
                }
                check_early(session.on_body(chunk), m, true, mta_skips);
                break;
            }
            case 6: {  // EOM
                const std::string_view queue_id = in.str();
                lazily_started();
                scripted->called = recording->called = false;
                const milter::EndOfMessage eom = session.on_end_of_message(queue_id);
                FUZZ_CHECK(eom.queue_id == queue_id, "queue id lost");
                FUZZ_CHECK(eom.internal == m.internal, "internal flag lost");
                FUZZ_CHECK(eom.verdict == Verdict::accept || eom.verdict == Verdict::discard ||
                               eom.verdict == Verdict::tempfail,
                           "end of message without a final verdict");
                FUZZ_CHECK(!session.in_message(), "message state kept after end of message");
                const bool called = m.policy.real_capturer ? recording->called : scripted->called;
                if (m.bounce == 0) {
                    FUZZ_CHECK(!called, "capturer ran for a message without bounce recipients");
                    FUZZ_CHECK(eom.verdict == Verdict::accept && eom.delete_recipients.empty(),
                               "message without bounce recipients not simply accepted");
                    m = Model{};
                    break;
                }
                FUZZ_CHECK(called, "capturer skipped for a bounce message");
                m.end_headers();
                const std::string& given = m.policy.real_capturer ? recording->message : scripted->message;
                const milter::MessageInfo& info = m.policy.real_capturer ? recording->info : scripted->info;
                FUZZ_CHECK(given == m.buffer, "capturer got other bytes than the callbacks delivered");
                FUZZ_CHECK(eom.truncated == m.truncated, "truncation not reported");
                FUZZ_CHECK(info.bounce_recipients.size() == std::min<std::size_t>(m.bounce, 1000),
                           "bounce recipients lost");
                for (const auto& r : info.bounce_recipients) FUZZ_CHECK(scope.matches(r), "non-bounce recipient captured");
                const Status status = eom.outcome.status;
                if (status == Status::failed) {
                    FUZZ_CHECK(!eom.outcome.error.empty(), "failure without an error");
                    const bool tempfail = m.policy.on_error == conf::OnError::tempfail && !m.internal;
                    FUZZ_CHECK(eom.verdict == (tempfail ? Verdict::tempfail : Verdict::accept),
                               "failed capture not answered per on_error");
                } else {
                    FUZZ_CHECK(eom.verdict != Verdict::tempfail, "tempfail without a failure");
                }
                if (eom.verdict == Verdict::discard) {
                    FUZZ_CHECK(m.other == 0, "a message with other recipients discarded: their mail is lost");
                    FUZZ_CHECK(status == Status::recorded || status == Status::filtered || status == Status::held,
                               "discarded an unrecorded bounce");
                }
                for (const auto& d : eom.delete_recipients) {
                    FUZZ_CHECK(std::find(m.bounce_raw.begin(), m.bounce_raw.end(), d) != m.bounce_raw.end(),
                               "removing a recipient that is no bounce address");
                }
                if (!eom.delete_recipients.empty())
                    FUZZ_CHECK(status == Status::recorded || status == Status::filtered || status == Status::held,
                               "bounce copies removed although nothing was recorded");
                if (!eom.add_headers.empty())
                    FUZZ_CHECK(m.policy.on_bounce == conf::OnBounce::tag, "headers added without on_bounce = tag");
                for (const auto& [name, value] : eom.add_headers)
                    FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos, "added header spans lines");
                m = Model{};
                break;
            }
            case 7:
                session.on_abort();
                FUZZ_CHECK(!session.in_message(), "message state kept after abort");
                m = Model{};
                break;
            case 8:
                session.on_close();
                FUZZ_CHECK(!session.in_message(), "message state kept after close");
                m = Model{};
                break;
            case 9:  // SIGUSR1: the next message uses the new policy, the current one keeps its own
                current = choose(in.byte(), current.max_bytes);
                rebuild();
                break;
            case 10:
                scripted->script = in.byte();
                break;
        }
        FUZZ_CHECK(session.in_message() == m.in_message, "session and model disagree on the message state");
        if (m.in_message)
            FUZZ_CHECK(session.kept_bytes() <= m.policy.max_bytes, "kept more than max_message_bytes");
    }
    session.on_close();
    return 0;
}
