#include "vigil/io/model_file.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "vigil/core/error.hpp"
#include "vigil/io/atomic_file.hpp"

namespace vigil::io {
namespace {

constexpr char kMagic[8] = {'V', 'I', 'G', 'I', 'L', 'M', 'D', 'L'};
constexpr std::size_t kHeaderSize = 8 + 4 + 4 + 8 + 4;

std::uint32_t crc32_of(const std::uint8_t* p, std::size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

template <typename T>
T read_le(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::vector<std::uint8_t> read_all(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw InputError(path + ": cannot open model file: " + std::strerror(errno));
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) bytes.insert(bytes.end(), buf, buf + n);
  if (std::ferror(f.get())) throw InputError(path + ": read error: " + std::strerror(errno));
  return bytes;
}

}  // namespace

std::vector<std::pair<std::string, data::ColumnType>> ModelBundle::expected_features() const {
  std::vector<std::pair<std::string, data::ColumnType>> out;
  for (const auto& c : pipeline.input_columns()) out.emplace_back(c.name, c.type);
  return out;
}

Matrix ModelBundle::predict_proba(const data::Table& rows) const {
  return model->predict_proba(pipeline.transform(rows));
}

std::vector<std::int32_t> ModelBundle::predict(const data::Table& rows) const {
  return model->predict(pipeline.transform(rows));
}

std::vector<std::uint8_t> encode_model(const ModelBundle& bundle) {
  VIGIL_CHECK(bundle.model && bundle.model->fitted(), "saving an unfitted model");
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> sections;
  {
    nlohmann::json meta = bundle.meta;
    meta["vigil_version"] = VIGIL_VERSION;
    meta["model"] = bundle.model->name();
    meta["parameters"] = bundle.model->params().values();
    meta["pipeline"] = bundle.pipeline.describe();
    ByteWriter w;
    w.str(meta.dump());
    sections.emplace_back("meta", w.take());
  }
  {
    ByteWriter w;
    w.strings(bundle.class_names);
    w.str(bundle.label_column);
    sections.emplace_back("classes", w.take());
  }
  {
    ByteWriter w;
    bundle.pipeline.save(w);
    sections.emplace_back("pipeline", w.take());
  }
  if (bundle.pipeline.config().reduces()) {
    ByteWriter w;
    bundle.pipeline.save_reduction(w);
    sections.emplace_back("reduction", w.take());
  }
  if (bundle.anomaly) {
    ByteWriter w;
    w.str(bundle.anomaly->name());
    w.str(bundle.anomaly_benign);
    bundle.anomaly->save(w);
    sections.emplace_back("anomaly", w.take());
  }
  {
    ByteWriter w;
    w.str(bundle.model->name());
    bundle.model->params().save(w);
    bundle.model->save_state(w);
    sections.emplace_back("model", w.take());
  }
  ByteWriter payload;
  for (const auto& [name, body] : sections) {
    payload.str(name);
    payload.u64(body.size());
    for (auto b : body) payload.u8(b);
  }
  const auto& p = payload.bytes();
  ByteWriter file;
  for (char c : kMagic) file.u8(static_cast<std::uint8_t>(c));
  file.u32(kModelFormatVersion);
  file.u32(static_cast<std::uint32_t>(sections.size()));
  file.u64(p.size());
  file.u32(crc32_of(p.data(), p.size()));
  std::vector<std::uint8_t> out = file.take();
  out.insert(out.end(), p.begin(), p.end());
  return out;
}

ModelBundle decode_model(const std::vector<std::uint8_t>& bytes, const std::string& source) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    throw ModelFormatError(source + ": not a Vigil model file (bad magic bytes)");
  }
  if (bytes.size() < kHeaderSize) throw ModelFormatError(source + ": truncated model file header");
  const auto version = read_le<std::uint32_t>(bytes.data() + 8);
  if (version > kModelFormatVersion || version == 0) {
    throw ModelFormatError(source + ": model file format version " + std::to_string(version) +
                           " is not supported (this vigil reads versions 1 to " +
                           std::to_string(kModelFormatVersion) + "; a newer vigil wrote it)");
  }
  const auto section_count = read_le<std::uint32_t>(bytes.data() + 12);
  const auto payload_size = read_le<std::uint64_t>(bytes.data() + 16);
  const auto checksum = read_le<std::uint32_t>(bytes.data() + 24);
  if (bytes.size() - kHeaderSize < payload_size) {
    throw ModelFormatError(source + ": truncated model file (" + std::to_string(bytes.size()) +
                           " bytes, expected " + std::to_string(kHeaderSize + payload_size) + ")");
  }
  if (bytes.size() - kHeaderSize > payload_size) {
    throw ModelFormatError(source + ": model file has trailing bytes after its payload");
  }
  if (crc32_of(bytes.data() + kHeaderSize, payload_size) != checksum) {
    throw ModelFormatError(source + ": model file is corrupted (checksum mismatch)");
  }

  std::map<std::string, std::span<const std::uint8_t>> sections;
  ByteReader payload(std::span(bytes.data() + kHeaderSize, payload_size), source);
  for (std::uint32_t i = 0; i < section_count; ++i) {
    std::string name = payload.str();
    const auto size = payload.count(payload.remaining(), "section size");
    const std::size_t offset = kHeaderSize + payload_size - payload.remaining();
    sections[name] = std::span(bytes.data() + offset, size);
    payload.skip(size);
  }
  auto section = [&](const std::string& name) {
    const auto it = sections.find(name);
    if (it == sections.end())
      throw ModelFormatError(source + ": model file has no '" + name + "' section");
    ByteReader r(it->second, source + ", section " + name);
    r.set_version(version);
    return r;
  };

  ModelBundle bundle;
  {
    ByteReader r = section("meta");
    try {
      bundle.meta = nlohmann::json::parse(r.str());
    } catch (const nlohmann::json::exception& e) {
      r.fail(std::string("unreadable metadata: ") + e.what());
    }
  }
  {
    ByteReader r = section("classes");
    bundle.class_names = r.strings();
    bundle.label_column = r.str();
  }
  {
    ByteReader r = section("pipeline");
    bundle.pipeline.load(r);
  }
  if (sections.count("reduction")) {  // format version 2 on
    ByteReader r = section("reduction");
    bundle.pipeline.load_reduction(r);
  }
  {
    ByteReader r = section("model");
    const std::string name = r.str();
    const auto& registry = models::builtin_registry();
    try {
      registry.info(name);
    } catch (const ParamError&) {
      r.fail("model '" + name + "' is not known to this vigil");
    }
    ParamSet params = registry.default_params(name);
    params.load(r);
    bundle.model = registry.info(name).make(std::move(params));
    bundle.model->load_state(r);
    if (!r.at_end()) r.fail("unexpected bytes after the model state");
    if (bundle.model->classes() != static_cast<int>(bundle.class_names.size())) {
      r.fail("the model and the class list disagree on the number of classes");
    }
    if (bundle.model->features() != bundle.pipeline.output_width()) {
      r.fail("the model takes " + std::to_string(bundle.model->features()) +
             " features, the pipeline gives " + std::to_string(bundle.pipeline.output_width()));
    }
  }
  if (sections.count("anomaly")) {
    ByteReader r = section("anomaly");
    const std::string name = r.str();
    bundle.anomaly_benign = r.str();
    try {
      bundle.anomaly = models::make_anomaly_detector(name);
    } catch (const ParamError&) {
      r.fail("anomaly detector '" + name + "' is not known to this vigil");
    }
    bundle.anomaly->load(r);
    if (!r.at_end()) r.fail("unexpected bytes after the anomaly detector");
    if (bundle.anomaly->features() != bundle.pipeline.output_width()) {
      r.fail("the anomaly detector takes another number of features than the pipeline gives");
    }
    if (std::find(bundle.class_names.begin(), bundle.class_names.end(), bundle.anomaly_benign) ==
        bundle.class_names.end()) {
      r.fail("the anomaly detector's benign class '" + bundle.anomaly_benign +
             "' is not a class of the model");
    }
  }
  return bundle;
}

void save_model(const std::string& path, const ModelBundle& bundle) {
  write_file_atomic(path, encode_model(bundle));
}

ModelBundle load_model(const std::string& path) { return decode_model(read_all(path), path); }

}  // namespace vigil::io
