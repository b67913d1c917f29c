using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Distill.Cli.Tests;

/// <summary>
/// The exact output of <c>distill detect</c> for fixed compatibility keys and fixed inputs: JSON field
/// names, order and values, and the text for people, for one key (with each reference's figures) and
/// for a search over several keys, on token ids and on text (spans with characters).
/// </summary>
public sealed class DetectJsonTests() : CliTestBase("distill-cli-json-")
{
    [Fact]
    public void One_key_writes_the_same_json_as_before()
    {
        var (input, kgw, vllm, synthId, weights) = Setup();
        string actual = string.Concat(
            Detect("--key", kgw, input, "--json"),
            Detect("--key", vllm, input, "--json", "--alpha", "0.01"),
            Detect("--key", synthId, input, "--json", "--bayesian", weights));
        Assert.Equal(Expected.Single, actual.TrimEnd('\n'));
    }

    [Fact]
    public void Several_keys_write_the_same_json_as_before()
    {
        var (input, kgw, vllm, synthId, _) = Setup();
        string actual = Detect("--key", kgw, "--key", vllm, "--key", synthId, input, "--json");
        Assert.Equal(Expected.Search, actual.TrimEnd('\n'));
    }

    [Fact]
    public void The_human_output_is_the_same_as_before()
    {
        var (input, kgw, vllm, synthId, weights) = Setup();
        string actual = string.Concat(
            Detect("--key", kgw, input),
            Detect("--key", vllm, input, "--alpha", "0.01"),
            Detect("--key", synthId, input, "--bayesian", weights),
            Detect("--key", kgw, "--key", vllm, "--key", synthId, input));
        Assert.Equal(Expected.Human, actual.TrimEnd('\n'));
    }

    [Fact]
    public void Text_writes_the_same_output_as_before()
    {
        string kgw = Path.Combine(Dir, "kgw-text.distill"), vllm = Path.Combine(Dir, "vllm-text.distill");
        Assert.Equal(0, Run("keygen", "--out", kgw, "--scheme", "hf-kgw", "--hashing-key", "15485863").Code);
        Assert.Equal(0, Run("keygen", "--out", vllm, "--scheme", "vllm-gumbel", "--vllm-key", "42").Code);
        var (code, output, err) = Run("generate", "--key", kgw, "--prompt", "The jury said that the election", "--max-tokens", "120", "--seed", "3", "--json");
        Assert.True(code == 0, err);
        string text = JsonDocument.Parse(output.Trim().Split('\n')[0]).RootElement.GetProperty("text").GetString()!;
        string input = Path.Combine(Dir, "text.jsonl");
        File.WriteAllLines(input,
        [
            JsonSerializer.Serialize(new { id = "marked", text = "Before it.\n" + text }),
            JsonSerializer.Serialize(new { text = "The committee met on Tuesday and talked about the budget for the coming year." }),
        ]);
        string actual = string.Concat(
            Detect("--key", kgw, input, "--json"),
            Detect("--key", kgw, input),
            Detect("--key", kgw, "--key", vllm, input, "--json"),
            Detect("--key", kgw, "--key", vllm, input));
        Assert.Equal(Expected.Text, actual.TrimEnd('\n'));
    }

    private (string Input, string Kgw, string Vllm, string SynthId, string Weights) Setup()
    {
        string kgw = Path.Combine(Dir, "kgw.distill"), vllm = Path.Combine(Dir, "vllm.distill"), synthId = Path.Combine(Dir, "synthid.distill");
        Assert.Equal(0, Run("keygen", "--out", kgw, "--scheme", "hf-kgw", "--hashing-key", "15485863", "--tokenizer", "m", "--vocab-size", "1000").Code);
        Assert.Equal(0, Run("keygen", "--out", vllm, "--scheme", "vllm-gumbel", "--vllm-key", "42", "--tokenizer", "m", "--vocab-size", "1000").Code);
        Assert.Equal(0, Run("keygen", "--out", synthId, "--scheme", "hf-synthid", "--keys", "1,2,3,4", "--tokenizer", "m", "--vocab-size", "1000").Code);
        string weights = Path.Combine(Dir, "weights.json");
        File.WriteAllText(weights, """{"beta": [-2.5, -2.5, -2.5, -2.5], "delta": [[0,0,0,0],[0.1,0,0,0],[0.1,0.1,0,0],[0.1,0.1,0.1,0]], "prior": 0.5}""");

        int[] marked = Generate((WatermarkScheme)WatermarkProfile.Load(kgw).CreateScheme(), 160, seed: 5);
        int[] plain = [.. Enumerable.Range(0, 90).Select(i => (i * 7919) % 1000)];
        string input = Path.Combine(Dir, "in.jsonl");
        File.WriteAllLines(input,
        [
            JsonSerializer.Serialize(new { id = "marked", ids = marked }),
            JsonSerializer.Serialize(new { ids = plain }),
            JsonSerializer.Serialize(new { id = 3, ids = (int[])[1, 2, 3] }),
            JsonSerializer.Serialize(new { id = new { part = 4 }, ids = (int[])[1, 2, 5000] }),
        ]);
        return (input, kgw, vllm, synthId, weights);
    }

    private string Detect(params string[] args)
    {
        var (_, output, _) = Run(["detect", .. args]);
        return output.Replace(Dir.Replace("\\", "\\\\", StringComparison.Ordinal), "<dir>", StringComparison.Ordinal).Replace(Dir, "<dir>", StringComparison.Ordinal).Replace("\\r\\n", "\\n", StringComparison.Ordinal).ReplaceLineEndings("\n");
    }

    /// <summary>Ids drawn by softmax from the scheme's biased pseudo-random logits (a stand-in for a model).</summary>
    private static int[] Generate(WatermarkScheme scheme, int length, int seed)
    {
        WatermarkSession session = scheme.CreateSession([]);
        var random = new Random(seed);
        var logits = new float[scheme.VocabularySize];
        var tokens = new int[length];
        for (int i = 0; i < length; i++)
        {
            for (int t = 0; t < logits.Length; t++)
            {
                logits[t] = (float)(2 * random.NextDouble());
            }

            session.ProcessLogits(logits);
            double max = logits.Max();
            double[] weights = [.. logits.Select(l => Math.Exp(l - max))];
            double target = random.NextDouble() * weights.Sum(), running = 0;
            int token = 0;
            while (token < weights.Length - 1 && (running += weights[token]) < target)
            {
                token++;
            }

            tokens[i] = token;
            session.Accept(token);
        }

        return tokens;
    }

    private static class Expected
    {
        public const string Single = """
            {"id":"marked","keyId":"8f211df668926ded","scheme":"hf-kgw","status":"scored","statistic":"greenCount","score":101,"tokens":160,"scoredTokens":159,"greenTokens":101,"skippedPrefix":1,"skippedRepeated":0,"skippedCommon":0,"scoredShare":1,"gamma":0.25,"zScore":11.217779389142937,"pValue":1.4453731071452561E-24,"log10PValue":-23.8400200300989,"alpha":1E-06,"watermarked":true,"reference":{"name":"transformers","score":101,"scored":159,"zScore":11.217779389142937,"log10PValue":-323.3062153431158,"watermarked":true},"windowsSearched":155,"spans":[{"startToken":2,"endToken":160,"scoredTokens":159,"greenTokens":101,"score":101,"log10PValue":-21.64968833192861}]}
            {"id":2,"keyId":"8f211df668926ded","scheme":"hf-kgw","status":"scored","statistic":"greenCount","score":23,"tokens":90,"scoredTokens":89,"greenTokens":23,"skippedPrefix":1,"skippedRepeated":0,"skippedCommon":0,"scoredShare":1,"gamma":0.25,"zScore":0.18359701840863138,"pValue":0.46749204510202463,"log10PValue":-0.33022577473304204,"alpha":1E-06,"watermarked":false,"reference":{"name":"transformers","score":23,"scored":89,"zScore":0.18359701840863138,"log10PValue":-0.31034956153621984,"watermarked":false},"windowsSearched":73,"spans":[]}
            {"id":3,"keyId":"8f211df668926ded","scheme":"hf-kgw","status":"insufficientTokens","statistic":"greenCount","score":0,"tokens":3,"scoredTokens":2,"greenTokens":0,"skippedPrefix":1,"skippedRepeated":0,"skippedCommon":0,"scoredShare":1,"gamma":0.25,"zScore":-0.8164965809277261,"pValue":1,"log10PValue":0,"alpha":1E-06,"watermarked":false,"reference":{"name":"transformers","score":0,"scored":2,"zScore":-0.8164965809277261,"log10PValue":-0.17203447975113,"watermarked":false},"windowsSearched":0,"spans":[]}
            {"id":{"part":4},"error":"Token id 5000 at index 2 is outside the vocabulary (0 to 999). (Parameter \u0027tokens\u0027)\nActual value was 5000."}
            {"id":"marked","keyId":"22d10f334b80463f","scheme":"vllm-gumbel","status":"scored","statistic":"gumbelScore","score":125.07326663075946,"tokens":160,"scoredTokens":160,"greenTokens":0,"skippedPrefix":0,"skippedRepeated":0,"skippedCommon":0,"scoredShare":1,"zScore":-2.7612007169051704,"pValue":0.9984890134984455,"log10PValue":-0.0006567093643857394,"alpha":0.01,"watermarked":false,"reference":{"name":"vLLM","score":125.07329682655822,"scored":160,"log10PValue":-0.0006567153841278886,"watermarked":false},"windowsSearched":155,"spans":[]}
            {"id":2,"keyId":"22d10f334b80463f","scheme":"vllm-gumbel","status":"scored","statistic":"gumbelScore","score":89.04426843370311,"tokens":90,"scoredTokens":90,"greenTokens":0,"skippedPrefix":0,"skippedRepeated":0,"skippedCommon":0,"scoredShare":1,"zScore":-0.10074295270727969,"pValue":0.5262811746695747,"log10PValue":-0.27878216462712113,"alpha":0.01,"watermarked":false,"reference":{"name":"vLLM","score":89.04435015712627,"scored":90,"log10PValue":-0.2787850137952854,"watermarked":false},"windowsSearched":73,"spans":[]}
            {"id":3,"keyId":"22d10f334b80463f","scheme":"vllm-gumbel","status":"insufficientTokens","statistic":"gumbelScore","score":1.0514253748115152,"tokens":3,"scoredTokens":3,"greenTokens":0,"skippedPrefix":0,"skippedRepeated":0,"skippedCommon":0,"scoredShare":1,"zScore":-1.125010084388646,"pValue":1,"log10PValue":0,"alpha":0.01,"watermarked":false,"reference":{"name":"vLLM","score":1.0514255826438808,"scored":3,"log10PValue":-0.04095842003132719,"watermarked":false},"windowsSearched":0,"spans":[]}
            {"id":{"part":4},"error":"Token id 5000 at index 2 is outside the vocabulary (0 to 999). (Parameter \u0027tokens\u0027)\nActual value was 5000."}
            {"id":"marked","keyId":"9cea482685c81edf","scheme":"hf-synthid","status":"scored","statistic":"meanGValue","score":0.5256410256410257,"tokens":160,"scoredTokens":156,"greenTokens":328,"skippedPrefix":4,"skippedRepeated":0,"skippedCommon":0,"scoredShare":1,"zScore":1.305273203458201,"pValue":0.1028228373160629,"log10PValue":-0.9879104162858673,"alpha":1E-06,"watermarked":false,"reference":{"name":"SynthID-Text (mean score)","score":0.5256410256410257,"scored":156,"bayesianPosterior":0.6657397610483413},"windowsSearched":152,"spans":[]}
            {"id":2,"keyId":"9cea482685c81edf","scheme":"hf-synthid","status":"scored","statistic":"meanGValue","score":0.5203488372093024,"tokens":90,"scoredTokens":86,"greenTokens":179,"skippedPrefix":4,"skippedRepeated":0,"skippedCommon":0,"scoredShare":1,"zScore":0.7749829814010356,"pValue":0.23565617410273684,"log10PValue":-0.6277211774039276,"alpha":1E-06,"watermarked":false,"reference":{"name":"SynthID-Text (mean score)","score":0.5203488372093024,"scored":86,"bayesianPosterior":0.5849014592022521},"windowsSearched":71,"spans":[]}
            {"id":3,"error":".NET number values such as positive and negative infinity cannot be written as valid JSON. To make it work when using \u0027JsonSerializer\u0027, consider specifying \u0027JsonNumberHandling.AllowNamedFloatingPointLiterals\u0027 (see https://learn.microsoft.com/dotnet/api/system.text.json.serialization.jsonnumberhandling)."}
            {"id":{"part":4},"error":"Token id 5000 at index 2 is outside the vocabulary (0 to 999). (Parameter \u0027tokens\u0027)\nActual value was 5000."}
            """;

        public const string Search = """
            {"id":"marked","configurations":3,"correction":"Holm-Bonferroni over 3 configurations (family-wise, any dependence)","best":0,"pValue":4.3361193214357696E-24,"log10PValue":-23.362898775379236,"alpha":1E-06,"watermarked":true,"results":[{"profile":"<dir>/kgw.distill","scheme":"hf-kgw","keyId":"8f211df668926ded","descriptor":"54e1050d5ff058e0","status":"scored","statistic":"greenCount","score":101,"scoredTokens":159,"log10PValue":-23.8400200300989,"adjustedLog10PValue":-23.362898775379236},{"profile":"<dir>/vllm.distill","scheme":"vllm-gumbel","keyId":"22d10f334b80463f","descriptor":"27d3df283e1a96e6","status":"scored","statistic":"gumbelScore","score":125.07326663075946,"scoredTokens":160,"log10PValue":-0.0006567093643857394,"adjustedLog10PValue":-0.0006567093643857394},{"profile":"<dir>/synthid.distill","scheme":"hf-synthid","keyId":"9cea482685c81edf","descriptor":"548fde2d18b9aaf6","status":"scored","statistic":"meanGValue","score":0.5256410256410257,"scoredTokens":156,"log10PValue":-0.9879104162858673,"adjustedLog10PValue":-0.6868804206218861}]}
            {"id":2,"configurations":3,"correction":"Holm-Bonferroni over 3 configurations (family-wise, any dependence)","best":2,"pValue":0.7069685223082105,"log10PValue":-0.1505999226842652,"alpha":1E-06,"watermarked":false,"results":[{"profile":"<dir>/kgw.distill","scheme":"hf-kgw","keyId":"8f211df668926ded","descriptor":"54e1050d5ff058e0","status":"scored","statistic":"greenCount","score":23,"scoredTokens":89,"log10PValue":-0.33022577473304204,"adjustedLog10PValue":-0.029195779069060845},{"profile":"<dir>/vllm.distill","scheme":"vllm-gumbel","keyId":"22d10f334b80463f","descriptor":"27d3df283e1a96e6","status":"scored","statistic":"gumbelScore","score":89.04426843370311,"scoredTokens":90,"log10PValue":-0.27878216462712113,"adjustedLog10PValue":-0.029195779069060845},{"profile":"<dir>/synthid.distill","scheme":"hf-synthid","keyId":"9cea482685c81edf","descriptor":"548fde2d18b9aaf6","status":"scored","statistic":"meanGValue","score":0.5203488372093024,"scoredTokens":86,"log10PValue":-0.6277211774039276,"adjustedLog10PValue":-0.1505999226842652}]}
            {"id":3,"configurations":3,"correction":"Holm-Bonferroni over 3 configurations (family-wise, any dependence)","best":0,"pValue":1,"log10PValue":0,"alpha":1E-06,"watermarked":false,"results":[{"profile":"<dir>/kgw.distill","scheme":"hf-kgw","keyId":"8f211df668926ded","descriptor":"54e1050d5ff058e0","status":"insufficientTokens","statistic":"greenCount","score":0,"scoredTokens":2,"log10PValue":0,"adjustedLog10PValue":0},{"profile":"<dir>/vllm.distill","scheme":"vllm-gumbel","keyId":"22d10f334b80463f","descriptor":"27d3df283e1a96e6","status":"insufficientTokens","statistic":"gumbelScore","score":1.0514253748115152,"scoredTokens":3,"log10PValue":0,"adjustedLog10PValue":0},{"profile":"<dir>/synthid.distill","scheme":"hf-synthid","keyId":"9cea482685c81edf","descriptor":"548fde2d18b9aaf6","status":"insufficientTokens","statistic":"meanGValue","score":0,"scoredTokens":0,"log10PValue":0,"adjustedLog10PValue":0}]}
            {"id":{"part":4},"configurations":3,"correction":"Holm-Bonferroni over 3 configurations (family-wise, any dependence)","best":0,"pValue":1,"log10PValue":0,"alpha":1E-06,"watermarked":false,"results":[{"profile":"<dir>/kgw.distill","scheme":"hf-kgw","keyId":"8f211df668926ded","descriptor":"54e1050d5ff058e0","status":"notScored","adjustedLog10PValue":0},{"profile":"<dir>/vllm.distill","scheme":"vllm-gumbel","keyId":"22d10f334b80463f","descriptor":"27d3df283e1a96e6","status":"notScored","adjustedLog10PValue":0},{"profile":"<dir>/synthid.distill","scheme":"hf-synthid","keyId":"9cea482685c81edf","descriptor":"548fde2d18b9aaf6","status":"notScored","adjustedLog10PValue":0}]}
            """;

        public const string Text = """
            {"id":"marked","keyId":"8f211df668926ded","scheme":"hf-kgw","status":"scored","statistic":"greenCount","score":71,"tokens":122,"scoredTokens":102,"greenTokens":71,"skippedPrefix":1,"skippedRepeated":0,"skippedCommon":19,"scoredShare":0.8429752066115702,"referenceFilter":"reference brown-train/1, common at 50 documents per million tokens","gamma":0.24999625035621617,"zScore":10.40438697212901,"pValue":3.8478875723304985E-21,"log10PValue":-20.414777625675228,"alpha":1E-06,"watermarked":true,"reference":{"name":"transformers","score":84,"scored":121,"zScore":11.284573443251777,"log10PValue":-323.3062153431158,"watermarked":true},"windowsSearched":89,"spans":[{"start":32,"end":621,"startToken":7,"endToken":121,"scoredTokens":96,"greenTokens":69,"score":69,"log10PValue":-19.18110672070567}]}
            {"id":2,"keyId":"8f211df668926ded","scheme":"hf-kgw","status":"scored","statistic":"greenCount","score":1,"tokens":15,"scoredTokens":11,"greenTokens":1,"skippedPrefix":1,"skippedRepeated":0,"skippedCommon":3,"scoredShare":0.7857142857142857,"referenceFilter":"reference brown-train/1, common at 50 documents per million tokens","gamma":0.24999625035621617,"zScore":-1.218520963692051,"pValue":0.9577625411980082,"log10PValue":-0.018742152539944087,"alpha":1E-06,"watermarked":false,"reference":{"name":"transformers","score":2,"scored":14,"zScore":-0.9258200997725514,"log10PValue":-0.1485737919477537,"watermarked":false},"windowsSearched":0,"spans":[]}
            marked: WATERMARKED: consistent with key 8f211df668926ded
              p = 3.85E-21 (alpha 1E-06); 71 of 102 scored tokens green (expected 25.5), z = 10.40; 122 tokens, 0 repeated, 1 without context, 19 common in the reference (84 % of the text scored; reference brown-train/1, common at 50 documents per million tokens)
              reference (transformers): score 84 over 121, z = 11.28, its p = 4.94e-324, its verdict: watermarked
              watermarked span: characters 32-621 (tokens 7-121), p = 6.59E-20 corrected for 89 windows: " minutes they have decided intervals f ... , there was any- Arts they be detached"
            2: no evidence for key 8f211df668926ded
              p = 0.958 (alpha 1E-06); 1 of 11 scored tokens green (expected 2.7), z = -1.22; 15 tokens, 0 repeated, 1 without context, 3 common in the reference (79 % of the text scored; reference brown-train/1, common at 50 documents per million tokens)
              reference (transformers): score 2 over 14, z = -0.93, its p = 0.71, its verdict: not watermarked
            {"id":"marked","configurations":2,"correction":"Holm-Bonferroni over 2 configurations (family-wise, any dependence)","best":0,"pValue":7.695775144660997E-21,"log10PValue":-20.113747630011247,"alpha":1E-06,"watermarked":true,"results":[{"profile":"<dir>/kgw-text.distill","scheme":"hf-kgw","keyId":"8f211df668926ded","descriptor":"26bfd9f904eac563","status":"scored","statistic":"greenCount","score":71,"scoredTokens":102,"log10PValue":-20.414777625675228,"adjustedLog10PValue":-20.113747630011247},{"profile":"<dir>/vllm-text.distill","scheme":"vllm-gumbel","keyId":"22d10f334b80463f","descriptor":"fde138e3f207c5e0","status":"scored","statistic":"gumbelScore","score":129.631796854781,"scoredTokens":122,"log10PValue":-0.6202245200272256,"adjustedLog10PValue":-0.6202245200272256}]}
            {"id":2,"configurations":2,"correction":"Holm-Bonferroni over 2 configurations (family-wise, any dependence)","best":1,"pValue":0.30015830950326267,"log10PValue":-0.5226496292480982,"alpha":1E-06,"watermarked":false,"results":[{"profile":"<dir>/kgw-text.distill","scheme":"hf-kgw","keyId":"8f211df668926ded","descriptor":"26bfd9f904eac563","status":"scored","statistic":"greenCount","score":1,"scoredTokens":11,"log10PValue":-0.018742152539944087,"adjustedLog10PValue":-0.018742152539944087},{"profile":"<dir>/vllm-text.distill","scheme":"vllm-gumbel","keyId":"22d10f334b80463f","descriptor":"fde138e3f207c5e0","status":"scored","statistic":"gumbelScore","score":18.993586510187015,"scoredTokens":15,"log10PValue":-0.8236796249120795,"adjustedLog10PValue":-0.5226496292480982}]}
            marked: WATERMARKED: best fit <dir>/kgw-text.distill (hf-kgw, key 8f211df668926ded)
              p = 7.7E-21 corrected by Holm-Bonferroni over 2 configurations (family-wise, any dependence) (alpha 1E-06)
              [0] <dir>/kgw-text.distill: hf-kgw key 8f211df668926ded: p = 3.85E-21, adjusted 7.7E-21; greenCount 71 over 102 scored tokens
              [1] <dir>/vllm-text.distill: vllm-gumbel key 22d10f334b80463f: p = 0.24, adjusted 0.24; gumbelScore 129.632 over 122 scored tokens
            2: no evidence for any configuration
              p = 0.3 corrected by Holm-Bonferroni over 2 configurations (family-wise, any dependence) (alpha 1E-06)
              [0] <dir>/kgw-text.distill: hf-kgw key 8f211df668926ded: p = 0.958, adjusted 0.958; greenCount 1 over 11 scored tokens
              [1] <dir>/vllm-text.distill: vllm-gumbel key 22d10f334b80463f: p = 0.15, adjusted 0.3; gumbelScore 18.9936 over 15 scored tokens
            """;

        public const string Human = """
            marked: WATERMARKED: consistent with key 8f211df668926ded
              p = 1.45E-24 (alpha 1E-06); 101 of 159 scored tokens green (expected 39.8), z = 11.22; 160 tokens, 0 repeated, 1 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (transformers): score 101 over 159, z = 11.22, its p = 4.94e-324, its verdict: watermarked
              watermarked span: tokens 2-160, p = 2.24E-22 corrected for 155 windows
            2: no evidence for key 8f211df668926ded
              p = 0.467 (alpha 1E-06); 23 of 89 scored tokens green (expected 22.2), z = 0.18; 90 tokens, 0 repeated, 1 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (transformers): score 23 over 89, z = 0.18, its p = 0.489, its verdict: not watermarked
            3: too short to test (2 scored tokens; at least 10 needed)
              p = 1 (alpha 1E-06); 0 of 2 scored tokens green (expected 0.5), z = -0.82; 3 tokens, 0 repeated, 1 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (transformers): score 0 over 2, z = -0.82, its p = 0.673, its verdict: not watermarked
            marked: no evidence for key 22d10f334b80463f
              p = 0.998 (alpha 0.01); gumbelScore 125.073 over 160 scored tokens, z = -2.76; 160 tokens, 0 repeated, 0 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (vLLM): score 125.073 over 160, its p = 0.998, its verdict: not watermarked
            2: no evidence for key 22d10f334b80463f
              p = 0.526 (alpha 0.01); gumbelScore 89.0443 over 90 scored tokens, z = -0.10; 90 tokens, 0 repeated, 0 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (vLLM): score 89.0444 over 90, its p = 0.526, its verdict: not watermarked
            3: too short to test (3 scored tokens; at least 10 needed)
              p = 1 (alpha 0.01); gumbelScore 1.05143 over 3 scored tokens, z = -1.13; 3 tokens, 0 repeated, 0 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (vLLM): score 1.05143 over 3, its p = 0.91, its verdict: not watermarked
            marked: no evidence for key 9cea482685c81edf
              p = 0.103 (alpha 1E-06); meanGValue 0.525641 over 156 scored tokens, z = 1.31; 160 tokens, 0 repeated, 4 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (SynthID-Text (mean score)): score 0.525641 over 156, Bayesian posterior 0.6657 (not a p-value)
            2: no evidence for key 9cea482685c81edf
              p = 0.236 (alpha 1E-06); meanGValue 0.520349 over 86 scored tokens, z = 0.77; 90 tokens, 0 repeated, 4 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (SynthID-Text (mean score)): score 0.520349 over 86, Bayesian posterior 0.5849 (not a p-value)
            3: too short to test (0 scored tokens; at least 10 needed)
              p = 1 (alpha 1E-06); meanGValue 0 over 0 scored tokens, z = 0.00; 3 tokens, 0 repeated, 3 without context; every pair scored (no reference filter: the p-value holds over random keys, not for this one key)
              reference (SynthID-Text (mean score)): score NaN over 0, Bayesian posterior 0.5 (not a p-value)
            marked: WATERMARKED: best fit <dir>/kgw.distill (hf-kgw, key 8f211df668926ded)
              p = 4.34E-24 corrected by Holm-Bonferroni over 3 configurations (family-wise, any dependence) (alpha 1E-06)
              [0] <dir>/kgw.distill: hf-kgw key 8f211df668926ded: p = 1.45E-24, adjusted 4.34E-24; greenCount 101 over 159 scored tokens
              [1] <dir>/vllm.distill: vllm-gumbel key 22d10f334b80463f: p = 0.998, adjusted 0.998; gumbelScore 125.073 over 160 scored tokens
              [2] <dir>/synthid.distill: hf-synthid key 9cea482685c81edf: p = 0.103, adjusted 0.206; meanGValue 0.525641 over 156 scored tokens
            2: no evidence for any configuration
              p = 0.707 corrected by Holm-Bonferroni over 3 configurations (family-wise, any dependence) (alpha 1E-06)
              [0] <dir>/kgw.distill: hf-kgw key 8f211df668926ded: p = 0.467, adjusted 0.935; greenCount 23 over 89 scored tokens
              [1] <dir>/vllm.distill: vllm-gumbel key 22d10f334b80463f: p = 0.526, adjusted 0.935; gumbelScore 89.0443 over 90 scored tokens
              [2] <dir>/synthid.distill: hf-synthid key 9cea482685c81edf: p = 0.236, adjusted 0.707; meanGValue 0.520349 over 86 scored tokens
            3: no evidence for any configuration
              p = 1 corrected by Holm-Bonferroni over 3 configurations (family-wise, any dependence) (alpha 1E-06)
              [0] <dir>/kgw.distill: hf-kgw key 8f211df668926ded: p = 1, adjusted 1; greenCount 0 over 2 scored tokens
              [1] <dir>/vllm.distill: vllm-gumbel key 22d10f334b80463f: p = 1, adjusted 1; gumbelScore 1.05143 over 3 scored tokens
              [2] <dir>/synthid.distill: hf-synthid key 9cea482685c81edf: p = 1, adjusted 1; meanGValue 0 over 0 scored tokens
            {"part":4}: no evidence for any configuration
              p = 1 corrected by Holm-Bonferroni over 3 configurations (family-wise, any dependence) (alpha 1E-06)
              [0] <dir>/kgw.distill: not scored (token ids outside its vocabulary of 1000)
              [1] <dir>/vllm.distill: not scored (token ids outside its vocabulary of 1000)
              [2] <dir>/synthid.distill: not scored (token ids outside its vocabulary of 1000)
            """;
    }
}
