namespace PyPyLeads.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/PyPyLeads.Benchmarks -- [base|stress] [--only phase,phase]
/// </summary>
public static class Harness
{
    public static async Task<int> Main(string[] args)
    {
        await Task.Yield();
        Console.Error.WriteLine("The harness is being written (issue 7).");
        return args.Length >= 0 ? 1 : 0;
    }
}
