#include "metrics/registry.hpp"

#include <stdexcept>

namespace metrics {

Registry::Entry& Registry::add(const std::string& name, const std::string& help, Type type) {
    if (!valid_metric_name(name)) throw std::invalid_argument("metrics: bad metric name '" + name + "'");
    for (const Entry& e : entries_)
        if (e.name == name) throw std::invalid_argument("metrics: '" + name + "' registered twice");
    Entry& e = entries_.emplace_back();
    e.name = name;
    e.help = help;
    e.type = type;
    return e;
}

Counter& Registry::counter(const std::string& name, const std::string& help) {
    std::lock_guard lock(mutex_);
    Entry& e = add(name, help, Type::counter);
    e.counter = std::make_unique<Counter>();
    return *e.counter;
}

CounterFamily& Registry::counter_family(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names) {
    for (const std::string& label : label_names)
        if (!valid_label_name(label) || label == "le")
            throw std::invalid_argument("metrics: bad label name '" + label + "' for " + name);
    std::lock_guard lock(mutex_);
    Entry& e = add(name, help, Type::counter);
    e.family = std::make_unique<CounterFamily>(std::move(label_names));
    return *e.family;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, std::vector<double> upper_bounds) {
    auto histogram = std::make_unique<Histogram>(std::move(upper_bounds));
    std::lock_guard lock(mutex_);
    Entry& e = add(name, help, Type::histogram);
    e.histogram = std::move(histogram);
    return *e.histogram;
}

void Registry::add_collector(Collector collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const Entry& e : entries_) {
        FamilySnapshot f;
        f.name = e.name;
        f.help = e.help;
        f.type = e.type;
        if (e.counter) {
            f.samples.push_back({{}, static_cast<double>(e.counter->value())});
        } else if (e.family) {
            f.label_names = e.family->label_names();
            for (const CounterFamily::Child* c : e.family->children())
                f.samples.push_back({c->label_values, static_cast<double>(c->counter.value())});
        } else if (e.histogram) {
            f.histograms.push_back(e.histogram->snapshot());
        }
        append_family(out, f);
    }
    for (const Collector& collect : collectors_) {
        try {
            for (const FamilySnapshot& f : collect()) append_family(out, f);
        } catch (const std::exception& ex) {
            out += "# collector failed: " + escape_help(ex.what()) + "\n";
        }
    }
    return out;
}

}  // namespace metrics
