using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PyPyLeads.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class TodayOwnerIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Timeline_CompanyId_AtUtc_Id",
                table: "Timeline");

            migrationBuilder.DropIndex(
                name: "IX_Deals_OwnerUserId",
                table: "Deals");

            migrationBuilder.CreateIndex(
                name: "IX_Timeline_CompanyId_AtUtc_Id_SubjectType",
                table: "Timeline",
                columns: new[] { "CompanyId", "AtUtc", "Id", "SubjectType" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_OwnerUserId_Stage_ExpectedCloseOn",
                table: "Deals",
                columns: new[] { "OwnerUserId", "Stage", "ExpectedCloseOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_OwnerUserId_Stage_LastActivityAtUtc_CompanyId",
                table: "Deals",
                columns: new[] { "OwnerUserId", "Stage", "LastActivityAtUtc", "CompanyId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Timeline_CompanyId_AtUtc_Id_SubjectType",
                table: "Timeline");

            migrationBuilder.DropIndex(
                name: "IX_Deals_OwnerUserId_Stage_ExpectedCloseOn",
                table: "Deals");

            migrationBuilder.DropIndex(
                name: "IX_Deals_OwnerUserId_Stage_LastActivityAtUtc_CompanyId",
                table: "Deals");

            migrationBuilder.CreateIndex(
                name: "IX_Timeline_CompanyId_AtUtc_Id",
                table: "Timeline",
                columns: new[] { "CompanyId", "AtUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_OwnerUserId",
                table: "Deals",
                column: "OwnerUserId");
        }
    }
}
