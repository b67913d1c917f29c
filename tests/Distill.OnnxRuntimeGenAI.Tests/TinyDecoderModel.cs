using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace Distill.OnnxRuntimeGenAI.Tests;

/// <summary>
/// A bigram language model as an ONNX decoder that ONNX Runtime GenAI loads offline: <c>input_ids</c>
/// -> Gather on a random embedding -> MatMul -> Add a bias -> <c>logits</c>, with no layers and so no
/// key-value cache (<c>num_hidden_layers</c> 0) and no tokenizer files (the loop works on token ids).
/// </summary>
/// <remarks>
/// The end-of-sequence token (0) has a bias of -10000, so a run always reaches the maximum length.
/// ONNX field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto,
/// ValueInfoProto, TypeProto, TensorShapeProto).
/// </remarks>
internal static class TinyDecoderModel
{
    public const int EndOfSequence = 0;
    private const int ElementFloat = 1;
    private const int ElementInt64 = 7;

    /// <summary>Writes <c>model.onnx</c> and <c>genai_config.json</c> into a new folder and returns it.</summary>
    public static string Write(int vocabularySize, int hiddenSize, float scale, int seed)
    {
        string folder = Path.Combine(Path.GetTempPath(), "distill-oga-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        float[] embedding = Uniform(random, vocabularySize * hiddenSize, scale);
        float[] unembedding = Uniform(random, hiddenSize * vocabularySize, scale);
        var bias = new float[vocabularySize];
        bias[EndOfSequence] = -10000f;

        var graph = new ProtoWriter()
            .Message(1, Node("Gather", ["embedding", "input_ids"], "hidden"))
            .Message(1, Node("MatMul", ["hidden", "unembedding"], "scores"))
            .Message(1, Node("Add", ["scores", "bias"], "logits"))
            .String(2, "tiny-bigram")
            .Message(5, Tensor("embedding", [vocabularySize, hiddenSize], embedding))
            .Message(5, Tensor("unembedding", [hiddenSize, vocabularySize], unembedding))
            .Message(5, Tensor("bias", [vocabularySize], bias))
            .Message(11, Value("input_ids", ElementInt64, "batch", "sequence"))
            .Message(12, Value("logits", ElementFloat, "batch", "sequence", vocabularySize));
        var model = new ProtoWriter()
            .Int(1, 8) // ir_version
            .String(2, "distill-tests")
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, string.Empty).Int(2, 17)); // opset 17
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.ToArray());
        File.WriteAllText(Path.Combine(folder, "genai_config.json"), string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "model": {
                "bos_token_id": 1, "eos_token_id": {{EndOfSequence}}, "pad_token_id": {{EndOfSequence}},
                "context_length": 4096, "vocab_size": {{vocabularySize}}, "type": "llama",
                "decoder": {
                  "session_options": { "log_id": "distill-tests", "provider_options": [] },
                  "filename": "model.onnx",
                  "head_size": 1, "hidden_size": {{hiddenSize}}, "num_attention_heads": 1,
                  "num_hidden_layers": 0, "num_key_value_heads": 1,
                  "inputs": { "input_ids": "input_ids" },
                  "outputs": { "logits": "logits" }
                }
              },
              "search": {
                "do_sample": true, "max_length": 4096, "min_length": 0, "num_beams": 1,
                "num_return_sequences": 1, "temperature": 1.0, "top_k": 0, "top_p": 1.0,
                "past_present_share_buffer": false
              }
            }
            """));
        return folder;
    }

    private static float[] Uniform(Random random, int count, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }

    private static ProtoWriter Node(string op, string[] inputs, string output)
    {
        var node = new ProtoWriter();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        return node.String(2, output).String(3, op + "_" + output).String(4, op);
    }

    private static ProtoWriter Tensor(string name, long[] dims, float[] data)
    {
        var tensor = new ProtoWriter();
        foreach (long dim in dims)
        {
            tensor.Int(1, dim);
        }

        return tensor.Int(2, ElementFloat).String(8, name).Bytes(9, MemoryMarshal.AsBytes(data.AsSpan()));
    }

    private static ProtoWriter Value(string name, int elementType, params object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (object dim in dims)
        {
            shape.Message(1, dim is string symbol ? new ProtoWriter().String(2, symbol) : new ProtoWriter().Int(1, (int)dim));
        }

        var tensorType = new ProtoWriter().Int(1, elementType).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }
}
