#include "vigil/io/model_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_files.hpp"
#include "vigil/core/error.hpp"

namespace vigil::io {
namespace {

using vigil::testing::TempDir;

data::Table table() {
  data::Table t;
  t.source = "t";
  data::Column bytes{"bytes", data::ColumnType::kNumeric, {}, {}};
  data::Column proto{"proto", data::ColumnType::kCategorical, {}, {}};
  const char* protos[] = {"tcp", "udp", "icmp"};
  for (int i = 0; i < 60; ++i) {
    bytes.numbers.push_back(static_cast<float>((i % 3) * 100 + i % 7));
    proto.strings.push_back(protos[i % 3]);
    t.line_numbers.push_back(static_cast<std::size_t>(i + 2));
  }
  t.columns = {bytes, proto};
  return t;
}

ModelBundle trained() {
  ModelBundle b;
  preprocess::PipelineConfig config;
  config.impute = preprocess::ImputeStrategy::kClassMean;
  b.pipeline = preprocess::Pipeline(config);
  std::vector<std::int32_t> y;
  for (int i = 0; i < 60; ++i) y.push_back(i % 3 == 0 ? 0 : (i % 3 == 1 ? 1 : 2));
  auto fitted = b.pipeline.fit_transform(table(), y, 3);
  b.model = models::builtin_registry().create("nb", {"var_smoothing=1e-6"});
  b.model->fit(fitted.x, fitted.labels, 3);
  b.class_names = {"a", "b", "c"};
  b.label_column = "cls";
  b.meta = {{"note", "test"}};
  return b;
}

std::vector<std::uint8_t> read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

TEST(ModelFile, RoundTripPredictsExactlyTheSame) {
  TempDir dir;
  const ModelBundle b = trained();
  const auto path = dir.file("m.vgm");
  save_model(path, b);
  const ModelBundle back = load_model(path);
  EXPECT_EQ(back.class_names, b.class_names);
  EXPECT_EQ(back.label_column, "cls");
  EXPECT_EQ(back.model->params().text("var_smoothing"), "1e-6");
  EXPECT_EQ(back.meta["note"], "test");
  EXPECT_EQ(back.expected_features(), b.expected_features());
  EXPECT_EQ(back.predict_proba(table()).values(), b.predict_proba(table()).values());
  // No temporary file is left behind.
  std::size_t files = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

std::string load_error(const std::vector<std::uint8_t>& bytes) {
  try {
    decode_model(bytes, "m.vgm");
  } catch (const ModelFormatError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelFile, TruncatedCorruptedForeignAndNewerFilesAreClearErrors) {
  const std::vector<std::uint8_t> good = encode_model(trained());
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{5}, std::size_t{20}, good.size() / 2, good.size() - 1}) {
    auto bytes = good;
    bytes.resize(cut);
    EXPECT_FALSE(load_error(bytes).empty()) << "cut at " << cut;
  }
  auto truncated = good;
  truncated.resize(good.size() - 10);
  EXPECT_NE(load_error(truncated).find("truncated"), std::string::npos);

  auto corrupted = good;
  corrupted[good.size() - 20] ^= 0x40;
  EXPECT_NE(load_error(corrupted).find("checksum"), std::string::npos);

  auto foreign = good;
  foreign[0] = 'X';
  EXPECT_NE(load_error(foreign).find("not a Vigil model file"), std::string::npos);

  auto newer = good;
  newer[8] = static_cast<std::uint8_t>(kModelFormatVersion + 1);
  EXPECT_NE(load_error(newer).find("newer vigil"), std::string::npos);
}

TEST(ModelFile, FailedSaveLeavesTheOldFileIntact) {
  TempDir dir;
  const auto path = dir.file("m.vgm");
  save_model(path, trained());
  const auto before = read(path);
  EXPECT_THROW(save_model(dir.file("missing/dir/m.vgm"), trained()), IoError);
  EXPECT_EQ(read(path), before);
  EXPECT_THROW(load_model(dir.file("nope.vgm")), InputError);
  write(dir.file("empty.vgm"), {});
  EXPECT_THROW(load_model(dir.file("empty.vgm")), ModelFormatError);
}

}  // namespace
}  // namespace vigil::io
