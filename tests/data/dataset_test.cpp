#include "vigil/data/dataset.hpp"

#include <gtest/gtest.h>

#include "test_files.hpp"
#include "vigil/core/error.hpp"
#include "vigil/data/limits.hpp"

namespace vigil::data {
namespace {

using vigil::testing::TempDir;

// A few hand-written rows in UNSW-NB15's partition schema (columns shortened
// to those the schema check needs, plus id and a numeric feature).
const char* kUnswRows =
    "id,dur,proto,service,state,sbytes,dbytes,sttl,ct_srv_src,attack_cat,label\n"
    "1,0.1,tcp,-,FIN,100,200,31,2,Normal,0\n"
    "2,0.2,udp,dns,INT,50,0,254,5,,0\n"
    "3,0.0,tcp,http,FIN,900,10,62,9,Exploits,1\n"
    "4,1.5,unas,-,INT,120,0,254,1, DoS ,1\n";

TEST(Dataset, RecognisesUnswSchema) {
  TempDir dir;
  Dataset d = load_dataset(dir.write("u.csv", kUnswRows), {});
  EXPECT_EQ(d.schema, "unsw-nb15");
  EXPECT_EQ(d.label_column, "attack_cat");
  // Blank attack_cat is Normal; spaces are trimmed; names sorted.
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"DoS", "Exploits", "Normal"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{2, 2, 1, 0}));
  EXPECT_EQ(d.features.column_names(),
            (std::vector<std::string>{"dur", "proto", "service", "state", "sbytes", "dbytes",
                                      "sttl", "ct_srv_src"}));
  EXPECT_EQ(d.features.column("proto").type, ColumnType::kCategorical);
  EXPECT_EQ(d.features.column("sttl").type, ColumnType::kNumeric);
}

// `vigil extract` output joined to labels by `vigil label`: UNSW-NB15's
// features plus addresses, ports, times and nDPI's protocol name.
TEST(Dataset, ExtractedFlowsWithLabelsLoadAsTheyAre) {
  TempDir dir;
  const std::string path =
      dir.write("flows.csv",
                "id,dur,proto,service,state,sbytes,dbytes,sttl,ct_srv_src,srcip,sport,dstip,dsport,"
                "stime,ltime,app_proto,"
                "attack_cat,label\n"
                "1,0.1,tcp,-,FIN,100,200,64,2,10.0.0.1,4000,10.0.0.2,80,100.5,100.6,HTTP,Normal,0\n"
                "2,0.0,tcp,-,RST,60,40,49,9,10.0.0.9,5000,10.0.0.2,22,101.0,101.0,Unknown,"
                "Reconnaissance,1\n");
  Dataset d = load_dataset(path, {});
  EXPECT_EQ(d.schema, "unsw-nb15");
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"Normal", "Reconnaissance"}));
  // Flows from captures get the deployment feature set by default: no TTLs.
  EXPECT_EQ(d.feature_set, "deployment");
  EXPECT_EQ(d.features.column_names(),
            (std::vector<std::string>{"dur", "proto", "service", "state", "sbytes", "dbytes",
                                      "ct_srv_src", "app_proto"}));
  EXPECT_EQ(d.features.column("app_proto").type, ColumnType::kCategorical);
  DatasetOptions all;
  all.feature_set = FeatureSet::kAll;
  EXPECT_EQ(load_dataset(path, all).features.cols(), 9u);
  // Kept on request, identifiers are typed by their values.
  DatasetOptions keep;
  keep.keep_identifiers = true;
  Dataset k = load_dataset(path, keep);
  EXPECT_EQ(k.features.column("srcip").type, ColumnType::kCategorical);
  EXPECT_EQ(k.features.column("dsport").type, ColumnType::kNumeric);
}

TEST(Dataset, DeploymentFeatureSetOnRequestAndUnswKeepsAllByDefault) {
  TempDir dir;
  const std::string path = dir.write("u.csv", kUnswRows);
  EXPECT_EQ(load_dataset(path, {}).feature_set, "all");
  DatasetOptions o;
  o.feature_set = FeatureSet::kDeployment;
  Dataset d = load_dataset(path, o);
  EXPECT_EQ(d.feature_set, "deployment");
  EXPECT_EQ(d.features.column_names(),
            (std::vector<std::string>{"dur", "proto", "service", "state", "sbytes", "dbytes",
                                      "ct_srv_src"}));
  EXPECT_THROW(parse_feature_set("most"), ParamError);
}

TEST(Dataset, BinaryTargetFromLabelColumn) {
  TempDir dir;
  DatasetOptions o;
  o.binary = true;
  Dataset d = load_dataset(dir.write("u.csv", kUnswRows), o);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"Attack", "Normal"}));
  EXPECT_EQ(d.labels, (std::vector<std::int32_t>{1, 1, 0, 0}));
  EXPECT_EQ(d.features.find("attack_cat"), nullptr);
}

TEST(Dataset, GenericCsvWithLabelDropAndIdentifiers) {
  TempDir dir;
  const auto path = dir.write("g.csv",
                              "Flow ID,src_ip,dst_port,bytes,proto,note,class\n"
                              "a,10.0.0.1,80,100,tcp,x,benign\n"
                              "b,10.0.0.2,443,5,udp,y,scan\n");
  DatasetOptions o;
  o.label = "class";
  o.drop = {"note"};
  Dataset d = load_dataset(path, o);
  EXPECT_EQ(d.schema, "generic");
  EXPECT_EQ(d.features.column_names(), (std::vector<std::string>{"bytes", "proto"}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"benign", "scan"}));
  o.keep_identifiers = true;
  EXPECT_EQ(load_dataset(path, o).features.cols(), 5u);
}

TEST(Dataset, UnknownLabelColumnAndMissingLabelAreErrors) {
  TempDir dir;
  const auto path = dir.write("g.csv", "a,b\n1,x\n2,\n");
  DatasetOptions o;
  EXPECT_THROW(load_dataset(path, o), ParamError);  // not UNSW-NB15 and no --label
  o.label = "nope";
  try {
    load_dataset(path, o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no label column 'nope'"), std::string::npos);
  }
  o.label = "b";
  try {
    load_dataset(path, o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("g.csv:3"), std::string::npos) << e.what();
  }
}

TEST(Dataset, OneClassIsRefusedForTrainingAndTooManyClassesOnLoad) {
  TempDir dir;
  DatasetOptions o;
  o.label = "y";
  const Dataset one = load_dataset(dir.write("one.csv", "a,y\n1,x\n2,x\n3, x \n"), o);
  try {
    require_classes_to_learn(one);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("one.csv: label column 'y' has only one class ('x')"),
              std::string::npos)
        << e.what();
  }
  std::string many = "a,y\n";
  for (std::size_t i = 0; i <= kMaxClasses; ++i) many += "1,c" + std::to_string(i) + "\n";
  try {
    load_dataset(dir.write("many.csv", many), o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("has 1001 distinct values"), std::string::npos)
        << e.what();
  }
}

TEST(Dataset, ExpectedFeaturesFixOrderAndTypes) {
  TempDir dir;
  const auto path = dir.write("g.csv", "b,a,y\n7,1,p\n8,2,q\n");
  DatasetOptions o;
  o.label = "y";
  o.expected_features = {{"a", ColumnType::kCategorical}, {"b", ColumnType::kNumeric}};
  Dataset d = load_dataset(path, o);
  EXPECT_EQ(d.features.column_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.features.column("a").type, ColumnType::kCategorical);
  o.expected_features.push_back({"c", ColumnType::kNumeric});
  EXPECT_THROW(load_dataset(path, o), InputError);
}

TEST(Dataset, MapLabelsExtendsWithUnknownClasses) {
  Dataset d;
  d.class_names = {"A", "Z"};
  d.labels = {0, 1, 1};
  std::vector<std::string> names = {"Z", "B"};
  EXPECT_EQ(map_labels(d, names), (std::vector<std::int32_t>{2, 0, 0}));
  EXPECT_EQ(names, (std::vector<std::string>{"Z", "B", "A"}));
}

TEST(Dataset, UnswFileClassCounts) {
  if (!vigil::testing::have_unsw()) GTEST_SKIP();
  Dataset d = load_dataset(vigil::testing::unsw_path(), {});
  ASSERT_EQ(d.rows(), 82332u);
  EXPECT_EQ(d.features.cols(), 42u);
  const auto counts = d.class_counts();
  // From ../shared/data/README.md.
  const std::map<std::string, std::size_t> expected = {
      {"Normal", 37000}, {"Generic", 18871}, {"Exploits", 11132},
      {"Fuzzers", 6062}, {"DoS", 4089},      {"Reconnaissance", 3496},
      {"Analysis", 677}, {"Backdoor", 583},  {"Shellcode", 378},
      {"Worms", 44}};
  ASSERT_EQ(d.class_names.size(), expected.size());
  for (std::size_t i = 0; i < d.class_names.size(); ++i) {
    EXPECT_EQ(counts[i], expected.at(d.class_names[i])) << d.class_names[i];
  }
}

}  // namespace
}  // namespace vigil::data
