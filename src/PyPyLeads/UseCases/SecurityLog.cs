namespace PyPyLeads.UseCases;

/// <summary>The log category of security events (sign-ins, refusals, exports, rights given): one name to filter on.</summary>
public static class SecurityLog
{
    public const string Category = "PyPyLeads.Security";
}
