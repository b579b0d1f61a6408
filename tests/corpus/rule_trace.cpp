// rule_trace FILE...: for each event bounce-parse would report, which pieces of the parser's knowledge
// its evidence touches: the decoder (rfc3464, arf, a dialect, free-text), the phrase-table rows found in
// its diagnostic, the status row its code hits and the remote-host provider table that answered.
// One JSON line per event. It is the stand-in for `bounce-parse --explain` in the leave-one-family-out
// report (tests/corpus/lofo.py): it re-derives the rules from the public tables and the parser's own
// model, without changing the parser, so a "rule" here is one whose evidence is present in the event
// (matched), and "agrees" when its reason equals the verdict.
#include "dsn/classify.hpp"
#include "dsn/dialect.hpp"
#include "dsn/message.hpp"
#include "dsn/reason_tables.hpp"
#include "dsn/report.hpp"
#include "dsn/rhost.hpp"
#include "dsn/rhosts/provider.hpp"
#include "dsn/text.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
}

// Which decoder read the message, decided the way build_report tries them (dsn/parse.cpp):
// feedback reports, then RFC 3464 parts enriched by the first dialect that reads the text, then the
// first matching dialect that finds recipients, then the free-text fallback.
std::string decoder_of(const dsn::Message& m) {
    if (m.report_type == "feedback-report" || !m.feedback_reports.empty()) return "arf";
    std::string first_reader;
    for (const auto& d : dsn::registered_dialects()) {
        if (!d.matches(m)) continue;
        if (!d.decode(m).empty()) {
            first_reader = std::string(d.name);
            break;
        }
    }
    if (!m.delivery_status.empty() && !dsn::decode_rfc3464(m).empty())
        return first_reader.empty() ? "rfc3464" : "rfc3464+" + first_reader;
    if (!first_reader.empty()) return first_reader;
    if (!dsn::decode_free_text(m).empty()) return "free-text";
    return "none";
}

bool is_token_edge(char c) {
    return dsn::text::is_space(c) || std::string_view("<>()\"';,[]").find(c) != std::string_view::npos;
}

// Lower case with addresses blanked, as the classifier reads a diagnostic (an address such as
// "rbl-news@..." is not wording).
std::string scrubbed_lower(std::string_view diagnostic) {
    std::string out = dsn::text::to_lower(diagnostic);
    for (std::size_t at = out.find('@'); at != std::string::npos; at = out.find('@', at + 1)) {
        std::size_t begin = at, end = at + 1;
        while (begin > 0 && !is_token_edge(out[begin - 1])) --begin;
        while (end < out.size() && !is_token_edge(out[end])) ++end;
        for (std::size_t i = begin; i < end; ++i) out[i] = ' ';
    }
    return out;
}

bool status_fits_row(std::string_view code, std::string_view status) {
    if (code.size() >= 2 && code[0] == 'X' && code[1] == '.')
        return status.size() == code.size() && (status[0] == '4' || status[0] == '5') && status.substr(1) == code.substr(1);
    return code == status;
}

const dsn::rhost::Provider* const kProviders[] = {
    &dsn::rhost::google,   &dsn::rhost::microsoft, &dsn::rhost::yahoo,    &dsn::rhost::apple,
    &dsn::rhost::cox,      &dsn::rhost::spectrum,  &dsn::rhost::godaddy,  &dsn::rhost::franceptt,
    &dsn::rhost::tencent,  &dsn::rhost::kddi,      &dsn::rhost::nttdocomo, &dsn::rhost::iua,
    &dsn::rhost::mimecast, &dsn::rhost::zoho,      &dsn::rhost::messagelabs,
};

// The provider whose table gave the remote-host verdict: the one that gives the same answer as
// rhost::reason_for, preferring the host, then a marker, then the recipient's domain.
std::string rhost_rule(const dsn::classify::Evidence& e) {
    std::string_view verdict = dsn::rhost::reason_for(e);
    if (verdict.empty()) return {};
    const std::string lower = dsn::text::to_lower(e.diagnostic);
    std::string_view domain = e.recipient.substr(e.recipient.rfind('@') + 1);
    for (int pass = 0; pass < 3; ++pass) {
        for (const auto* p : kProviders) {
            bool named = false;
            if (pass == 0)
                for (auto h : p->hosts) named = named || (!e.remote_mta.empty() && dsn::rhost::is_within(e.remote_mta, h));
            if (pass == 1)
                for (auto m : p->markers) named = named || lower.find(m) != std::string::npos;
            if (pass == 2)
                for (auto d : p->domains) named = named || dsn::rhost::is_within(domain, d);
            if (named && p->reason(e) == verdict) return std::string(p->name) + "->" + std::string(verdict);
        }
    }
    return "unattributed->" + std::string(verdict);
}

int trace(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "rule_trace: cannot read " << path << "\n";
        return 1;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string bytes = buf.str();
    const dsn::Report report = dsn::parse(bytes);
    const auto message = dsn::load_message(dsn::text::normalize_newlines(bytes));
    const std::string decoder = message ? decoder_of(*message) : "none";
    for (const auto& ev : report.events) {
        std::string out = "{\"file\":";
        append_json_string(out, path);
        out += ",\"recipient\":";
        append_json_string(out, ev.recipient);
        out += ",\"reason\":";
        append_json_string(out, ev.reason);
        out += ",\"rules\":[";
        std::vector<std::string> rules{"decoder:" + decoder};
        const std::string diag = scrubbed_lower(ev.diagnostic);
        for (const auto& row : dsn::classify::reason_phrases()) {
            if (row.phrase.empty() || diag.find(row.phrase) == std::string::npos) continue;
            rules.push_back(std::string(row.reason == ev.reason ? "phrase+" : "phrase-") + std::string(row.reason) +
                            ":" + std::string(row.phrase));
        }
        for (const auto& row : dsn::classify::status_reasons()) {
            if (!status_fits_row(row.code, ev.status)) continue;
            rules.push_back(std::string(row.reason == ev.reason ? "status+" : "status-") + std::string(row.code) +
                            "->" + std::string(row.reason));
            break;  // the first row that fits is the one the classifier reads
        }
        dsn::classify::Evidence e{};
        e.diagnostic = ev.diagnostic;
        e.status = ev.status;
        e.reply_code = ev.reply_code;
        e.action = ev.action;
        e.remote_mta = ev.remote_mta;
        e.recipient = ev.recipient;
        if (std::string r = rhost_rule(e); !r.empty())
            rules.push_back(std::string(r.ends_with("->" + ev.reason) ? "rhost+" : "rhost-") + r);
        for (std::size_t i = 0; i < rules.size(); ++i) {
            if (i) out.push_back(',');
            append_json_string(out, rules[i]);
        }
        out += "]}\n";
        std::cout << out;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int rc = 0;
    for (int i = 1; i < argc; ++i) rc |= trace(argv[i]);
    return rc;
}
