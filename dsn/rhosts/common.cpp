#include "dsn/rhosts/provider.hpp"

#include "dsn/text.hpp"

#include <charconv>

namespace dsn::rhost {
namespace {

int to_int(std::string_view digits) {
    int value = -1;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return error == std::errc{} && end == digits.data() + digits.size() ? value : -1;
}

}  // namespace

bool status_fits(std::string_view pattern, std::string_view status) {
    if (pattern.empty()) return true;
    if (status.size() < 5) return false;
    if (pattern[0] == 'X') {
        if (status[0] != '4' && status[0] != '5') return false;
    } else if (pattern[0] != status[0]) {
        return false;
    }
    std::string_view pattern_rest = pattern.substr(1);
    std::string_view status_rest = status.substr(1);
    std::size_t dash = pattern_rest.find('-');
    if (dash == std::string_view::npos) return pattern_rest == status_rest;
    // ".7.606-649": same subject, detail within the range.
    std::size_t last_dot = pattern_rest.rfind('.');
    std::string_view subject = pattern_rest.substr(0, last_dot + 1);
    if (status_rest.substr(0, subject.size()) != subject) return false;
    int low = to_int(pattern_rest.substr(last_dot + 1, dash - last_dot - 1));
    int high = to_int(pattern_rest.substr(dash + 1));
    int detail = to_int(status_rest.substr(subject.size()));
    return detail >= 0 && low >= 0 && detail >= low && detail <= high;
}

std::string_view first_rule(std::span<const ReplyRule> rules, const classify::Evidence& e) {
    for (const auto& rule : rules) {
        if (!status_fits(rule.status, e.status)) continue;
        if (!rule.phrase.empty() && !text::icontains(e.diagnostic, rule.phrase)) continue;
        if (rule.status.empty() && rule.phrase.empty()) continue;  // a rule must say something
        return rule.reason;
    }
    return {};
}

bool is_within(std::string_view name, std::string_view suffix) {
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.size() < suffix.size()) return false;
    if (!text::iends_with(name, suffix)) return false;
    return name.size() == suffix.size() || name[name.size() - suffix.size() - 1] == '.';
}

std::string_view reason_of_code(std::span<const CodeReason> table, std::string_view code) {
    if (code.empty()) return {};
    for (const auto& entry : table)
        if (text::iequals(entry.code, code)) return entry.reason;
    return {};
}

std::string_view token_after(std::string_view t, std::string_view lower_prefix) {
    std::size_t at = text::ifind(t, lower_prefix);
    if (at == std::string_view::npos) return {};
    std::string_view rest = t.substr(at + lower_prefix.size());
    std::size_t end = 0;
    while (end < rest.size() && (text::is_alpha(rest[end]) || text::is_digit(rest[end]) || rest[end] == '-' || rest[end] == '_'))
        ++end;
    return rest.substr(0, end);
}

}  // namespace dsn::rhost
