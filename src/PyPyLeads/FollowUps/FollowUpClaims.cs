using System.Linq.Expressions;
using System.Reflection;

namespace PyPyLeads.FollowUps;

/// <summary>
/// The claim condition, written once: a deliverer may claim a follow-up that waits for a try due by now
/// (<see cref="IsDue"/>), or one whose claim went stale because its holder died (<see cref="HoldsStaleClaim"/>).
/// Every query that asks uses these: the claim itself (one reminder's), the drain's read of what is due, the read a job
/// makes before its claim, the reconciler's count and the health check. In a query, expand them with <see cref="Claimable"/>,
/// <see cref="Due"/>, <see cref="StaleClaim"/> or, for a compiled query, <see cref="Expand{T}"/>.
/// </summary>
public static class FollowUpClaims
{
    private static readonly Expression<Func<FollowUp, DateTime, bool>> DueRule =
        (f, dueBy) => f.State == FollowUpState.Scheduled && f.NextAttemptAtUtc <= dueBy;

    private static readonly Expression<Func<FollowUp, DateTime, bool>> StaleClaimRule =
        (f, staleBefore) => f.State == FollowUpState.Sending && f.ClaimedAtUtc < staleBefore;

    private static readonly Expression<Func<FollowUp, DateTime, DateTime, bool>> ClaimRule =
        (f, dueBy, staleBefore) => f.IsDue(dueBy) || f.HoldsStaleClaim(staleBefore);

    private static readonly Func<FollowUp, DateTime, bool> DueNow = DueRule.Compile();
    private static readonly Func<FollowUp, DateTime, bool> StaleNow = StaleClaimRule.Compile();
    private static readonly Func<FollowUp, DateTime, DateTime, bool> ClaimNow = ClaimRule.Compile();

    private static readonly Dictionary<MethodInfo, LambdaExpression> Rules = new()
    {
        [typeof(FollowUpClaims).GetMethod(nameof(IsDue))!] = DueRule,
        [typeof(FollowUpClaims).GetMethod(nameof(HoldsStaleClaim))!] = StaleClaimRule,
        [typeof(FollowUpClaims).GetMethod(nameof(CanBeClaimed))!] = ClaimRule,
    };

    /// <summary>Waiting (not claimed, not closed) for a try due by <paramref name="dueBy"/>.</summary>
    public static bool IsDue(this FollowUp followUp, DateTime dueBy) => DueNow(followUp, dueBy);

    /// <summary>Claimed before <paramref name="staleBefore"/> and never recorded: its holder is taken to have died.</summary>
    public static bool HoldsStaleClaim(this FollowUp followUp, DateTime staleBefore) => StaleNow(followUp, staleBefore);

    /// <summary>The claim condition: <see cref="IsDue"/> or <see cref="HoldsStaleClaim"/>.</summary>
    public static bool CanBeClaimed(this FollowUp followUp, DateTime dueBy, DateTime staleBefore) => ClaimNow(followUp, dueBy, staleBefore);

    /// <summary>The claim condition for a query's <c>Where</c>, with both instants as query parameters.</summary>
    public static Expression<Func<FollowUp, bool>> Claimable(DateTime dueBy, DateTime staleBefore) =>
        Expand<Func<FollowUp, bool>>(f => f.CanBeClaimed(dueBy, staleBefore));

    /// <summary>The first half of the claim condition alone (it reads an index range on its own).</summary>
    public static Expression<Func<FollowUp, bool>> Due(DateTime dueBy) => Expand<Func<FollowUp, bool>>(f => f.IsDue(dueBy));

    /// <summary>The second half of the claim condition alone (it reads an index range on its own).</summary>
    public static Expression<Func<FollowUp, bool>> StaleClaim(DateTime staleBefore) => Expand<Func<FollowUp, bool>>(f => f.HoldsStaleClaim(staleBefore));

    /// <summary>
    /// <paramref name="query"/> with each call of <see cref="IsDue"/>, <see cref="HoldsStaleClaim"/> and
    /// <see cref="CanBeClaimed"/> replaced by the condition itself, which the database provider can translate.
    /// </summary>
    public static Expression<T> Expand<T>(Expression<T> query) => (Expression<T>)new Inliner().Visit(query);

    private sealed class Inliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (!Rules.TryGetValue(node.Method, out var rule))
            {
                return base.VisitMethodCall(node);
            }
            var arguments = node.Arguments.Select(Visit).ToList();
            var body = new Substitution(rule.Parameters.Zip(arguments).ToDictionary(p => p.First, p => p.Second!)).Visit(rule.Body);
            return Visit(body); // a rule made of other rules
        }
    }

    private sealed class Substitution(Dictionary<ParameterExpression, Expression> values) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => values.GetValueOrDefault(node, node);
    }
}
