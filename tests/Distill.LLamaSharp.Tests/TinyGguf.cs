using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Distill.LLamaSharp.Tests;

/// <summary>
/// Writes a tiny llama-architecture model in GGUF v3 with seeded random weights and a 512-token
/// SentencePiece vocabulary (3 control tokens, the 256 byte tokens, letters and pieces), so that the
/// whole llama.cpp path runs offline in milliseconds.
/// </summary>
/// <remarks>
/// Layout (ggml's GGUF v3): magic, version, tensor and key-value counts; the metadata (the keys llama.cpp
/// needs for the <c>llama</c> architecture and an SPM tokenizer); the tensor infos (name, dimensions with
/// the fastest-varying first, type F32, offset); padding to <see cref="Alignment"/>; then the tensors, each
/// padded to the alignment. The output matrix is scaled so that the logits have a standard deviation of
/// about <see cref="LogitScale"/>: far from flat, yet several nats of entropy per token.
/// </remarks>
internal static class TinyGguf
{
    public const int Vocabulary = 512;
    public const int Embedding = 64;
    public const int Layers = 2;
    public const int Heads = 4;
    public const int FeedForward = 128;
    public const int ContextLength = 1024;
    public const int Alignment = 32;
    public const double LogitScale = 2.5;

    private const uint TypeUInt32 = 4;
    private const uint TypeInt32 = 5;
    private const uint TypeFloat32 = 6;
    private const uint TypeString = 8;
    private const uint TypeArray = 9;

    /// <summary>Writes the model.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="seed">The seed of the weights.</param>
    public static void Write(string path, int seed)
    {
        (List<string> tokens, List<int> types) = BuildVocabulary();
        var tensors = BuildTensors(new Random(seed));

        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);
        writer.Write(17UL);
        WriteString(writer, "general.architecture", "llama");
        WriteString(writer, "general.name", "distill-tiny-test");
        WriteUInt32(writer, "general.alignment", Alignment);
        WriteUInt32(writer, "llama.context_length", ContextLength);
        WriteUInt32(writer, "llama.embedding_length", Embedding);
        WriteUInt32(writer, "llama.block_count", Layers);
        WriteUInt32(writer, "llama.feed_forward_length", FeedForward);
        WriteUInt32(writer, "llama.attention.head_count", Heads);
        WriteUInt32(writer, "llama.attention.head_count_kv", Heads);
        Key(writer, "llama.attention.layer_norm_rms_epsilon", TypeFloat32);
        writer.Write(1e-5f);
        WriteString(writer, "tokenizer.ggml.model", "llama");
        Key(writer, "tokenizer.ggml.tokens", TypeArray);
        writer.Write(TypeString);
        writer.Write((ulong)tokens.Count);
        tokens.ForEach(t => Str(writer, t));
        Key(writer, "tokenizer.ggml.scores", TypeArray);
        writer.Write(TypeFloat32);
        writer.Write((ulong)tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            writer.Write(types[i] == 1 ? -(float)i : 0f);
        }

        Key(writer, "tokenizer.ggml.token_type", TypeArray);
        writer.Write(TypeInt32);
        writer.Write((ulong)types.Count);
        types.ForEach(writer.Write);
        WriteUInt32(writer, "tokenizer.ggml.unknown_token_id", 0);
        WriteUInt32(writer, "tokenizer.ggml.bos_token_id", 1);
        WriteUInt32(writer, "tokenizer.ggml.eos_token_id", 2);

        ulong offset = 0;
        foreach ((string name, long[] shape, float[] data) in tensors)
        {
            Str(writer, name);
            writer.Write((uint)shape.Length);
            foreach (long d in shape)
            {
                writer.Write((ulong)d);
            }

            writer.Write(0u); // GGML_TYPE_F32
            writer.Write(offset);
            offset += (ulong)Padded(data.Length * sizeof(float));
        }

        Pad(writer);
        foreach ((_, _, float[] data) in tensors)
        {
            foreach (float x in data)
            {
                writer.Write(x);
            }

            Pad(writer);
        }
    }

    private static (List<string> Tokens, List<int> Types) BuildVocabulary()
    {
        // Token types: 1 normal, 2 unknown, 3 control, 6 byte.
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<int> { 2, 3, 3 };
        for (int b = 0; b < 256; b++)
        {
            tokens.Add($"<0x{b:X2}>");
            types.Add(6);
        }

        const string Letters = "abcdefghijklmnopqrstuvwxyz";
        foreach (char c in Letters)
        {
            tokens.Add(c.ToString());
            tokens.Add("\u2581" + c);
            types.Add(1);
            types.Add(1);
        }

        for (int i = 0; tokens.Count < Vocabulary; i++)
        {
            tokens.Add("\u2581" + Letters[i % 26] + Letters[i / 26 % 26]);
            types.Add(1);
        }

        return (tokens, types);
    }

    private static List<(string Name, long[] Shape, float[] Data)> BuildTensors(Random random)
    {
        const int E = Embedding, F = FeedForward, V = Vocabulary;
        double inner = 1 / Math.Sqrt(E);
        var tensors = new List<(string, long[], float[])> { ("token_embd.weight", [E, V], Gaussian(random, E * V, 1)) };
        for (int l = 0; l < Layers; l++)
        {
            tensors.Add(($"blk.{l}.attn_norm.weight", [E], Ones(E)));
            tensors.Add(($"blk.{l}.attn_q.weight", [E, E], Gaussian(random, E * E, inner)));
            tensors.Add(($"blk.{l}.attn_k.weight", [E, E], Gaussian(random, E * E, inner)));
            tensors.Add(($"blk.{l}.attn_v.weight", [E, E], Gaussian(random, E * E, inner)));
            tensors.Add(($"blk.{l}.attn_output.weight", [E, E], Gaussian(random, E * E, inner)));
            tensors.Add(($"blk.{l}.ffn_norm.weight", [E], Ones(E)));
            tensors.Add(($"blk.{l}.ffn_gate.weight", [E, F], Gaussian(random, E * F, inner)));
            tensors.Add(($"blk.{l}.ffn_up.weight", [E, F], Gaussian(random, E * F, inner)));
            tensors.Add(($"blk.{l}.ffn_down.weight", [F, E], Gaussian(random, F * E, 1 / Math.Sqrt(F))));
        }

        tensors.Add(("output_norm.weight", [E], Ones(E)));
        tensors.Add(("output.weight", [E, V], Gaussian(random, E * V, LogitScale * inner)));
        return tensors;
    }

    private static float[] Gaussian(Random random, int count, double scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u = 1 - random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()) * scale);
        }

        return values;
    }

    private static float[] Ones(int count)
    {
        var values = new float[count];
        Array.Fill(values, 1f);
        return values;
    }

    private static long Padded(long length) => (length + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        while (writer.BaseStream.Position % Alignment != 0)
        {
            writer.Write((byte)0);
        }
    }

    private static void Str(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void Key(BinaryWriter writer, string key, uint type)
    {
        Str(writer, key);
        writer.Write(type);
    }

    private static void WriteString(BinaryWriter writer, string key, string value)
    {
        Key(writer, key, TypeString);
        Str(writer, value);
    }

    private static void WriteUInt32(BinaryWriter writer, string key, uint value)
    {
        Key(writer, key, TypeUInt32);
        writer.Write(value);
    }
}
