#include "metrics/counter_family.hpp"

#include <algorithm>
#include <stdexcept>

namespace metrics {
namespace {

// Lexicographic order of label value lists, comparable across stored strings and looked-up views.
int compare(const std::vector<std::string>& stored, std::span<const std::string_view> wanted) {
    for (std::size_t i = 0; i < stored.size() && i < wanted.size(); ++i) {
        const int c = std::string_view(stored[i]).compare(wanted[i]);
        if (c != 0) return c;
    }
    return stored.size() < wanted.size() ? -1 : (stored.size() > wanted.size() ? 1 : 0);
}

}  // namespace

CounterFamily::CounterFamily(std::vector<std::string> label_names) : label_names_(std::move(label_names)) {
    indexes_.push_back(std::make_unique<const Index>());
    index_.store(indexes_.back().get(), std::memory_order_release);
}

CounterFamily::~CounterFamily() = default;

const CounterFamily::Child* CounterFamily::find(const Index& index, std::span<const std::string_view> label_values) {
    auto it = std::lower_bound(index.begin(), index.end(), label_values,
                               [](const Child* c, std::span<const std::string_view> v) { return compare(c->label_values, v) < 0; });
    if (it != index.end() && compare((*it)->label_values, label_values) == 0) return *it;
    return nullptr;
}

Counter& CounterFamily::with(std::span<const std::string_view> label_values) {
    if (label_values.size() != label_names_.size())
        throw std::invalid_argument("metrics: " + std::to_string(label_values.size()) + " label values for " +
                                    std::to_string(label_names_.size()) + " labels");
    if (const Child* c = find(*index_.load(std::memory_order_acquire), label_values))
        return const_cast<Child*>(c)->counter;

    std::lock_guard lock(grow_mutex_);
    const Index& current = *index_.load(std::memory_order_acquire);
    if (const Child* c = find(current, label_values)) return const_cast<Child*>(c)->counter;  // raced, someone added it

    Child& child = storage_.emplace_back();
    child.label_values.assign(label_values.begin(), label_values.end());
    auto next = std::make_unique<Index>(current);
    next->insert(std::upper_bound(next->begin(), next->end(), &child,
                                  [](const Child* a, const Child* b) {
                                      return std::lexicographical_compare(a->label_values.begin(), a->label_values.end(),
                                                                          b->label_values.begin(), b->label_values.end());
                                  }),
                 &child);
    indexes_.push_back(std::move(next));
    index_.store(indexes_.back().get(), std::memory_order_release);
    return child.counter;
}

std::vector<const CounterFamily::Child*> CounterFamily::children() const {
    return *index_.load(std::memory_order_acquire);
}

}  // namespace metrics
